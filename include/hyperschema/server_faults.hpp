#pragma once

// Faults of particular server versions that verify recognises in a failing
// job's error, with what causes them and what to do. One record each: a new
// fault is one more row.

#include <string>
#include <string_view>

namespace hyperschema {

struct KnownServerFault {
    std::string_view error_contains;  // a fragment of the job's last error
    std::string_view seen_with;       // the versions it was seen with
    std::string_view cause;
    std::string_view workaround;  // `$job` stands for the job's id
};

inline constexpr KnownServerFault kKnownServerFaults[] = {
    {"cannot drop portal \"\" while it is being set up",
     "PostgreSQL 15.20 (Debian 12's) with TimescaleDB 2.28.3, built from source; the check that raises it is "
     "absent from 15.18 and present in 15.20, likely from 15.19's portal fix (CVE-2026-16239), which PostgreSQL "
     "released for every supported branch at once",
     "a change in those PostgreSQL minor releases which TimescaleDB's background job runner does not expect: "
     "every scheduled run of every job fails as it ends, although the job's work is done",
     "run the job in the foreground instead (`CALL run_job($job)`, for a refresh also "
     "refresh_continuous_aggregate), from pg_cron or your own scheduler, until your TimescaleDB release supports "
     "this PostgreSQL minor release"},
};

// The record whose fragment the error holds, or nullptr.
inline const KnownServerFault* known_server_fault(std::string_view error) {
    for (const auto& f : kKnownServerFaults)
        if (error.find(f.error_contains) != std::string_view::npos) return &f;
    return nullptr;
}

// "; a known fault of ...: cause; workaround" for a job's error, or "".
inline std::string known_fault_hint(std::string_view error, int job_id) {
    const KnownServerFault* f = known_server_fault(error);
    if (!f) return "";
    std::string workaround(f->workaround);
    for (size_t at = workaround.find("$job"); at != std::string::npos; at = workaround.find("$job", at))
        workaround.replace(at, 4, std::to_string(job_id));
    return " (a known fault, seen with " + std::string(f->seen_with) + ": " + std::string(f->cause) +
           "; workaround: " + workaround + ")";
}

}  // namespace hyperschema
