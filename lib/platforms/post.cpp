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

bool
OutArticle::empty() const
{
  return title.empty() && link.empty() && tags.empty() && canonical_url.empty() && series.empty() &&
         published;
}

nlohmann::json
to_json(const OutArticle& article)
{
  auto json = nlohmann::json::object();
  const auto set = [&](const char* key, const std::string& value) {
    if (!value.empty()) {
      json[key] = value;
    }
  };
  set("title", article.title);
  set("link", article.link);
  if (!article.tags.empty()) {
    json["tags"] = article.tags;
  }
  set("canonical_url", article.canonical_url);
  set("series", article.series);
  if (!article.published) {
    json["published"] = false;
  }
  return json;
}

OutArticle
article_from_json(const nlohmann::json& json)
{
  OutArticle article;
  const auto text = [&](const char* key) {
    const auto& member = json_member(json, key);
    return member.is_string() ? member.get<std::string>() : std::string();
  };
  article.title = text("title");
  article.link = text("link");
  article.canonical_url = text("canonical_url");
  article.series = text("series");
  const auto& tags = json_member(json, "tags");
  for (const auto& tag : tags.is_array() ? tags : nlohmann::json::array()) {
    if (tag.is_string()) {
      article.tags.push_back(tag.get<std::string>());
    }
  }
  const auto& published = json_member(json, "published");
  article.published = !published.is_boolean() || published.get<bool>();
  return article;
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
