#include "linkedin.hpp"

#include <date/date.h>
#include <fmt/core.h>
#include <nlohmann/json.hpp>

#include <chrono>

namespace herald::platforms::linkedin {

namespace {

constexpr std::string_view k_reserved = "\\|{}@[]()<>#*_~";
constexpr auto k_warn_ahead = std::chrono::days(7);

} // namespace

std::string
escape_little_text(std::string_view text)
{
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    if (k_reserved.find(c) != std::string_view::npos) {
      out += '\\';
    }
    out += c;
  }
  return out;
}

std::optional<std::string>
duplicate_of(std::string_view body)
{
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (!json.is_object()) {
    return std::nullopt;
  }
  const auto find_urn = [](const std::string& text) -> std::optional<std::string> {
    const auto at = text.find("urn:li:");
    if (at == std::string::npos) {
      return std::nullopt;
    }
    size_t end = at;
    while (end < text.size() && text[end] != ' ' && text[end] != '"' && text[end] != '\n') {
      ++end;
    }
    std::string urn = text.substr(at, end - at);
    while (!urn.empty() && (urn.back() == '.' || urn.back() == ',')) {
      urn.pop_back();
    }
    return urn;
  };
  const auto details = json.find("errorDetails");
  if (details != json.end() && details->is_object() && details->contains("inputErrors") &&
      (*details)["inputErrors"].is_array()) {
    for (const auto& input : (*details)["inputErrors"]) {
      if (input.is_object() && input.value("code", "") == "DUPLICATE_POST") {
        if (input.contains("description") && input["description"].is_string()) {
          if (auto urn = find_urn(input["description"].get<std::string>())) {
            return urn;
          }
        }
        if (json.contains("message") && json["message"].is_string()) {
          return find_urn(json["message"].get<std::string>());
        }
      }
    }
  }
  return std::nullopt;
}

std::string
error_detail(std::string_view body)
{
  const auto json = nlohmann::json::parse(body, nullptr, false);
  if (json.is_object() && json.contains("message") && json["message"].is_string()) {
    return json["message"].get<std::string>();
  }
  return "";
}

std::string
post_url(std::string_view urn)
{
  return fmt::format("https://www.linkedin.com/feed/update/{}/", urn);
}

std::optional<TimePoint>
parse_expiry(std::string_view text)
{
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
    return std::nullopt;
  }
  for (size_t i : { 0, 1, 2, 3, 5, 6, 8, 9 }) {
    if (text[i] < '0' || text[i] > '9') {
      return std::nullopt;
    }
  }
  const int y = std::stoi(std::string(text.substr(0, 4)));
  const unsigned m = unsigned(std::stoi(std::string(text.substr(5, 2))));
  const unsigned d = unsigned(std::stoi(std::string(text.substr(8, 2))));
  const date::year_month_day day{ date::year(y), date::month(m), date::day(d) };
  if (!day.ok()) {
    return std::nullopt;
  }
  return TimePoint(date::sys_days(day).time_since_epoch());
}

std::optional<ExpiryNote>
expiry_note(TimePoint expires, TimePoint now, std::string_view date)
{
  if (now >= expires) {
    return ExpiryNote{ true, fmt::format("the token expired on {} (token_expires): authorize "
                                         "the app again, then set the new token and its "
                                         "token_expires",
                                         date) };
  }
  if (now + k_warn_ahead > expires) {
    const auto days = std::chrono::duration_cast<std::chrono::hours>(expires - now).count() / 24;
    return ExpiryNote{
      false, fmt::format("the token expires on {} (in {}): authorize the app again "
                         "before then",
                         date, days == 0 ? "less than a day" : fmt::format("{} days", days))
    };
  }
  return std::nullopt;
}

} // namespace herald::platforms::linkedin
