#pragma once

#include "util/expected.hpp"

#include <filesystem>
#include <string>

// The two programs `herald engage` may start on a person's request: their editor, to write a
// reply, and their browser, to open a conversation.
namespace herald::engage {

// Runs `editor` (a shell command such as "vim" or "code --wait", as $VISUAL and $EDITOR hold
// it) on a new file in `dir` that starts with `initial`, waits for it, and returns what the
// file holds then, without the lines that start with '#'. The file is removed afterwards.
Result<std::string> edit_text(const std::string& editor, const std::string& initial,
                              const std::filesystem::path& dir);

// Starts `xdg-open url` and waits for it (xdg-open itself returns once the browser has it).
// Only an http:// or https:// address is opened (http::check_web_url); anything else is an
// error that names it, and nothing is started.
Result<void> open_in_browser(const std::string& url);

} // namespace herald::engage
