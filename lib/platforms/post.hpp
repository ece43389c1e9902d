#pragma once

#include "schedule/clock.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace herald::platforms {

// What an adapter is asked to publish: independent of the calendar's model, because jobs carry
// their content in the store and are fired without re-reading the calendar.
struct OutMedia
{
  std::filesystem::path file; // absolute
  std::string alt;
};

struct OutPart
{
  std::string text;
  std::vector<OutMedia> media;
};

// The long-form keys of a post (calendar::Article): a title, a link, tags and so on, for the
// platforms that publish articles or titled posts. Empty for most posts.
struct OutArticle
{
  std::string title;
  std::string link;
  std::vector<std::string> tags;
  std::string canonical_url;
  std::string series;
  bool published = true;

  bool empty() const;
};

struct OutPost
{
  std::string job_id;
  std::string post_id;
  std::string account;
  std::string idempotency_key; // stable for one job and content revision
  std::vector<OutPart> parts;  // more than one: a thread
  // When the job was due: stable across resends, so an adapter may derive record keys from it
  // (Bluesky's time-ordered rkeys).
  TimePoint due{};
  // A one-off post (`herald post`): `due` is when the command ran, so it differs on a re-run and
  // must not go into anything that has to be the same on every runner (record keys).
  bool one_off = false;
  // `link_card: false` on the post: no link card where the platform would add one (Bluesky).
  bool link_card = true;
  OutArticle article{};
};

nlohmann::json to_json(const std::vector<OutPart>& parts);
// Only the keys set, so that a post without them stores nothing new.
nlohmann::json to_json(const OutArticle& article);
// Tolerant like parts_from_json(): what is missing or of another type stays at its default.
OutArticle article_from_json(const nlohmann::json& json);

// `json` as compact text for a request body; ill-formed UTF-8 in a string is replaced rather
// than thrown on (validate reports such text anyway).
std::string dump_json(const nlohmann::json& json);

// A member of a platform's answer that names something (an id, a URL, a handle): its string,
// or an integer as its decimal digits, since some platforms send ids as numbers. Empty when
// absent, of another type, or when `json` is not an object: answers are not trusted to be
// well-formed, and nothing here throws.
std::string json_id(const nlohmann::json& json, const char* key);
// The member `key` of `json`, or null when `json` is not an object or has no such member: for
// walking a platform's answer without a type error (nlohmann's value() throws on a list).
const nlohmann::json& json_member(const nlohmann::json& json, const char* key);
std::vector<OutPart> parts_from_json(const nlohmann::json& json);

} // namespace herald::platforms
