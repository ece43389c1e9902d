// herald state migrate and herald state check: moving the state to another backend, checking it.
#include "context.hpp"

#include "app/state_admin.hpp"

#include <fmt/core.h>
#include <nlohmann/json.hpp>

namespace herald::cmd {

namespace {

void
run_migrate(const app::StateMigration& migration, Context& context)
{
  const auto copies = app::migrate_state(migration);
  if (context.global.json) {
    auto out = nlohmann::json::array();
    for (const auto& copy : copies) {
      out.push_back(
        { { "table", copy.table }, { "rows", copy.rows }, { "checksum", copy.checksum } });
    }
    fmt::print("{}\n", json_text(out, 2));
    return;
  }
  if (!context.global.quiet) {
    fmt::print("{}", app::migration_report(migration, copies));
  }
}

void
run_check(Context& context)
{
  const store::StateLocation location(context.state_path());
  const auto check = store::check_state(location);
  if (context.global.json) {
    nlohmann::json out{ { "state", location.display() },
                        { "backend", location.is_postgresql() ? "postgresql" : "sqlite" },
                        { "schema", check.schema_version },
                        { "integrity", check.integrity },
                        { "jobs", check.jobs_by_state },
                        { "problems", check.problems },
                        { "ok", check.ok() } };
    fmt::print("{}\n", json_text(out, 2));
  } else if (!context.global.quiet || !check.ok()) {
    fmt::print("{}", app::check_report(location, check));
  }
  if (!check.ok()) {
    context.status = ExitStatus::state;
  }
}

} // namespace

void
setup_state(CLI::App& app, Context& context)
{
  auto* state = app.add_subcommand("state", "Move the state to another backend, or check it");
  state->require_subcommand(1);

  auto migration = std::make_shared<app::StateMigration>();
  auto* migrate = state->add_subcommand(
    "migrate", "Copy a state (e.g. a SQLite file) into an empty one (e.g. PostgreSQL), verified");
  migrate->add_option("--from", migration->from, "The state to copy: a file or a URL")->required();
  migrate->add_option("--to", migration->to, "The empty state to fill: a file or a URL")
    ->required();
  migrate->callback([migration, &context] { run_migrate(*migration, context); });

  auto* check = state->add_subcommand(
    "check", "Check the state (--state): schema, integrity, and herald's rules for each job");
  check->callback([&context] { run_check(context); });
}

} // namespace herald::cmd
