#include "pq_api.hpp"

#include "util/shared_library.hpp"

namespace herald::store {

namespace {

constexpr const char* k_library = "libpq.so.5";

PqApi
load()
{
  const SharedLibrary library(k_library, "libpq5", ExitStatus::state);
  PqApi api{};
  library.resolve("PQclear", api.clear);
  library.resolve("PQcmdTuples", api.cmd_tuples);
  library.resolve("PQconnectdbParams", api.connectdb_params);
  library.resolve("PQerrorMessage", api.error_message);
  library.resolve("PQexec", api.exec);
  library.resolve("PQexecParams", api.exec_params);
  library.resolve("PQexecPrepared", api.exec_prepared);
  library.resolve("PQenterPipelineMode", api.enter_pipeline_mode);
  library.resolve("PQexitPipelineMode", api.exit_pipeline_mode);
  library.resolve("PQfinish", api.finish);
  library.resolve("PQgetResult", api.get_result);
  library.resolve("PQgetisnull", api.getisnull);
  library.resolve("PQgetlength", api.getlength);
  library.resolve("PQgetvalue", api.getvalue);
  library.resolve("PQntuples", api.ntuples);
  library.resolve("PQpipelineSync", api.pipeline_sync);
  library.resolve("PQprepare", api.prepare);
  library.resolve("PQreset", api.reset);
  library.resolve("PQresultErrorMessage", api.result_error_message);
  library.resolve("PQresultStatus", api.result_status);
  library.resolve("PQsendPrepare", api.send_prepare);
  library.resolve("PQsendQueryParams", api.send_query_params);
  library.resolve("PQsendQueryPrepared", api.send_query_prepared);
  library.resolve("PQsetNoticeProcessor", api.set_notice_processor);
  library.resolve("PQstatus", api.status);
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
