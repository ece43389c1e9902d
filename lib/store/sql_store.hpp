#pragma once

#include "conversation_store.hpp"
#include "metrics_store.hpp"
#include "sql_connection.hpp"
#include "store.hpp"

#include <memory>

namespace herald::store {

class StateLocation;

// A connection to the state at `location`, not yet migrated.
std::unique_ptr<SqlConnection> connect(const StateLocation& location);

// The stores over a connection to either backend; each migrates the schema first.
std::unique_ptr<Store> open_sql_store(std::unique_ptr<SqlConnection> connection);
std::unique_ptr<ConversationStore> open_sql_conversation_store(
  std::unique_ptr<SqlConnection> connection);
std::unique_ptr<MetricsStore> open_sql_metrics_store(std::unique_ptr<SqlConnection> connection);

} // namespace herald::store
