#include "pq_api.hpp"

#include "util/error.hpp"

#include <fmt/core.h>

#include <dlfcn.h>

namespace herald::store {

namespace {

constexpr const char* k_library = "libpq.so.5";

template<typename Function>
void
resolve(void* library, const char* name, Function& slot)
{
  void* symbol = ::dlsym(library, name);
  if (symbol == nullptr) {
    throw Error(fmt::format("{} has no {}: {}", k_library, name, ::dlerror()), ExitStatus::state);
  }
  slot = reinterpret_cast<Function>(symbol);
}

PqApi
load()
{
  void* library = ::dlopen(k_library, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    throw Error(fmt::format("cannot load {} (install libpq5): {}", k_library, ::dlerror()),
                ExitStatus::state);
  }
  PqApi api{};
  resolve(library, "PQclear", api.clear);
  resolve(library, "PQcmdTuples", api.cmd_tuples);
  resolve(library, "PQconnectdbParams", api.connectdb_params);
  resolve(library, "PQerrorMessage", api.error_message);
  resolve(library, "PQexec", api.exec);
  resolve(library, "PQexecParams", api.exec_params);
  resolve(library, "PQexecPrepared", api.exec_prepared);
  resolve(library, "PQfinish", api.finish);
  resolve(library, "PQgetisnull", api.getisnull);
  resolve(library, "PQgetlength", api.getlength);
  resolve(library, "PQgetvalue", api.getvalue);
  resolve(library, "PQntuples", api.ntuples);
  resolve(library, "PQprepare", api.prepare);
  resolve(library, "PQreset", api.reset);
  resolve(library, "PQresultErrorMessage", api.result_error_message);
  resolve(library, "PQresultStatus", api.result_status);
  resolve(library, "PQsetNoticeProcessor", api.set_notice_processor);
  resolve(library, "PQstatus", api.status);
  // The library stays loaded for the life of the process.
  return api;
}

} // namespace

const PqApi&
pq_api()
{
  static const PqApi api = load();
  return api;
}

} // namespace herald::store
