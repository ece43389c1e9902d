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
  std::string account;
  std::string platform;
  bool ok = false;
  std::string detail; // who the credentials reach, or why the check failed
};

// `herald accounts check`: asks each account's platform whether its credentials work,
// without publishing anything. Accounts are checked in name order.
std::vector<AccountCheck> verify_accounts(const calendar::Calendar& calendar,
                                          queue::AdapterSource& adapters);

} // namespace herald::app
