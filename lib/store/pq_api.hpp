#pragma once

#include <libpq-fe.h>

namespace herald::store {

// libpq's functions, loaded with dlopen on first use instead of linked, as libcurl is
// (http/curl_api.hpp): libpq pulls in TLS, Kerberos and LDAP, some twenty libraries that every
// command would load at start, while only a state on PostgreSQL needs them. Types and constants
// still come from <libpq-fe.h>; calls go through this table.
struct PqApi
{
  decltype(&::PQclear) clear;
  decltype(&::PQcmdTuples) cmd_tuples;
  decltype(&::PQconnectdbParams) connectdb_params;
  decltype(&::PQerrorMessage) error_message;
  decltype(&::PQexec) exec;
  decltype(&::PQexecParams) exec_params;
  decltype(&::PQexecPrepared) exec_prepared;
  decltype(&::PQenterPipelineMode) enter_pipeline_mode;
  decltype(&::PQexitPipelineMode) exit_pipeline_mode;
  decltype(&::PQfinish) finish;
  decltype(&::PQgetResult) get_result;
  decltype(&::PQgetisnull) getisnull;
  decltype(&::PQgetlength) getlength;
  decltype(&::PQgetvalue) getvalue;
  decltype(&::PQntuples) ntuples;
  decltype(&::PQpipelineSync) pipeline_sync;
  decltype(&::PQprepare) prepare;
  decltype(&::PQreset) reset;
  decltype(&::PQresultErrorMessage) result_error_message;
  decltype(&::PQresultStatus) result_status;
  decltype(&::PQsendPrepare) send_prepare;
  decltype(&::PQsendQueryParams) send_query_params;
  decltype(&::PQsendQueryPrepared) send_query_prepared;
  decltype(&::PQsetNoticeProcessor) set_notice_processor;
  decltype(&::PQstatus) status;
};

// Loads libpq.so.5 once (thread-safe). Throws herald::Error (exit status 3), naming the library
// and the loader's reason, when it or one of the functions is missing.
const PqApi& pq_api();

} // namespace herald::store
