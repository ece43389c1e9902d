#include "post.hpp"

namespace herald::platforms {

nlohmann::json
to_json(const std::vector<OutPart>& parts)
{
  auto json = nlohmann::json::array();
  for (const auto& part : parts) {
    auto media = nlohmann::json::array();
    for (const auto& m : part.media) {
      media.push_back({ { "file", m.file.string() }, { "alt", m.alt } });
    }
    json.push_back({ { "text", part.text }, { "media", media } });
  }
  return json;
}

std::vector<OutPart>
parts_from_json(const nlohmann::json& json)
{
  std::vector<OutPart> parts;
  for (const auto& p : json) {
    OutPart part;
    part.text = p.value("text", "");
    for (const auto& m : p.value("media", nlohmann::json::array())) {
      part.media.push_back({ m.value("file", ""), m.value("alt", "") });
    }
    parts.push_back(std::move(part));
  }
  return parts;
}

std::string
dump_json(const nlohmann::json& json)
{
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string
json_id(const nlohmann::json& json, const char* key)
{
  if (!json.is_object()) {
    return "";
  }
  const auto it = json.find(key);
  if (it == json.end()) {
    return "";
  }
  if (it->is_string()) {
    return it->get<std::string>();
  }
  return it->is_number_integer() ? it->dump() : "";
}

const nlohmann::json&
json_member(const nlohmann::json& json, const char* key)
{
  static const nlohmann::json k_null;
  if (!json.is_object()) {
    return k_null;
  }
  const auto it = json.find(key);
  return it == json.end() ? k_null : *it;
}

} // namespace herald::platforms
