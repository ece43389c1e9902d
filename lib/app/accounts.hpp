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
// without publishing anything. Accounts are checked in name order. An account with an error in
// `unset_secrets` (what Diagnostics::drop_unset_secrets took from the load) is not checked: it
// fails, saying which variable is not set.
std::vector<AccountCheck> verify_accounts(const calendar::Calendar& calendar,
                                          queue::AdapterSource& adapters,
                                          const std::vector<Diagnostic>& unset_secrets = {});

// `herald validate --accounts a,b`: keeps the unset-secret errors of these accounts only, and
// reports a name that is not one of the calendar's accounts.
void keep_secrets_of(const calendar::Calendar& calendar, const std::vector<std::string>& accounts,
                     Diagnostics& diagnostics);

} // namespace herald::app
