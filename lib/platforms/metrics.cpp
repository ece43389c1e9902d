#include "metrics.hpp"

namespace herald::platforms {

std::unique_ptr<MetricsSource>
make_metrics_source(const AccountConfig& account, const AdapterContext& context)
{
  if (account.platform == "mastodon") {
    return make_mastodon_metrics(account, context);
  }
  if (account.platform == "bluesky") {
    return make_bluesky_metrics(account, context);
  }
  if (account.platform == "exec") {
    return make_exec_metrics(account, context);
  }
  return nullptr;
}

} // namespace herald::platforms
