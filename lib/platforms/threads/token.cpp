// What herald keeps of a Threads account's renewed token (threads.hpp, KeptToken).
#include "platforms/threads/threads.hpp"

namespace herald::platforms::threads {

namespace {

std::optional<TimePoint>
time_member(const nlohmann::json& json, const char* key)
{
  const auto& value = json_member(json, key);
  if (!value.is_number_integer()) {
    return std::nullopt;
  }
  return TimePoint(std::chrono::seconds(value.get<int64_t>()));
}

} // namespace

std::optional<KeptToken>
kept_token_from_json(std::string_view text)
{
  const auto json = nlohmann::json::parse(text, nullptr, false);
  if (!json.is_object() || json_id(json, "seed").empty()) {
    return std::nullopt;
  }
  return KeptToken{ json_id(json, "seed"), json_id(json, "access_token"),
                    time_member(json, "expires_at"), time_member(json, "retry_at") };
}

std::string
to_json(const KeptToken& kept)
{
  nlohmann::json json = { { "seed", kept.seed } };
  if (!kept.access_token.empty()) {
    json["access_token"] = kept.access_token;
  }
  if (kept.expires_at) {
    json["expires_at"] = kept.expires_at->time_since_epoch().count();
  }
  if (kept.retry_at) {
    json["retry_at"] = kept.retry_at->time_since_epoch().count();
  }
  return json.dump(2) + "\n";
}

bool
renewal_due(const std::optional<KeptToken>& kept, std::string_view seed, TimePoint now)
{
  if (!kept || kept->seed != seed) {
    return true; // the environment's token, of unknown age
  }
  if (kept->retry_at && now < *kept->retry_at) {
    return false;
  }
  if (kept->access_token.empty() || !kept->expires_at) {
    return true;
  }
  return *kept->expires_at - now < k_renew_before;
}

} // namespace herald::platforms::threads
