#pragma once

#include "calendar/model.hpp"
#include "queue/adapters.hpp"
#include "util/diagnostics.hpp"

namespace herald::app {

// Checks an account against the platform registry: known platform (with a suggestion for a
// misspelt one), known setting keys, and the platform's own rules. Plugged into the calendar
// loader, which knows nothing of platforms.
void check_account(const calendar::Account& account, Diagnostics& diagnostics);

struct AccountCheck
{
  enum class Outcome
  {
    ok,          // the platform accepted the credentials
    failed,      // refused, unreachable, or a secret is not set
    not_checked, // the platform cannot be asked without publishing (a Slack incoming webhook)
  };
  std::string account;
  std::string platform;
  Outcome outcome = Outcome::failed;
  std::string detail; // who the credentials reach, or why the check failed or was not made
};

// "ok", "failed", "not checked"
std::string_view to_string(AccountCheck::Outcome outcome);

// `herald accounts check`: asks each account's platform whether its credentials work,
// without publishing anything. Accounts are checked in name order. An account with an error in
// `unset_secrets` (what Diagnostics::drop_unset_secrets took from the load) is not checked: it
// fails, saying which variable is not set. A failure's detail is the reason alone: a check only
// reads, so what an error kind says about sending (not-sent, maybe-sent) or retrying
// (permanent) would mislead; refused credentials ("auth: ...") and a rate limit keep theirs.
std::vector<AccountCheck> verify_accounts(const calendar::Calendar& calendar,
                                          queue::AdapterSource& adapters,
                                          const std::vector<Diagnostic>& unset_secrets = {});

// `herald validate --accounts a,b`: keeps the unset-secret errors of these accounts only, and
// reports a name that is not one of the calendar's accounts.
void keep_secrets_of(const calendar::Calendar& calendar, const std::vector<std::string>& accounts,
                     Diagnostics& diagnostics);

} // namespace herald::app
