// User-defined jobs. TimescaleDB's add_job() takes any routine by name and
// only calls it when the job runs, so a procedure with other arguments fails
// on every run; the compiler refuses it first. What add_job() itself refuses
// (a check function without the (config jsonb) signature, a name too long
// for the job's application name) is refused here too.

#include <algorithm>

#include "validate/rules.hpp"

namespace hyperschema::rules {
namespace {

// TimescaleDB names the job "<name> [<id>]" in a `name` (63 bytes) and
// refuses a longer one ("application name too long"); ids have up to 10 digits.
constexpr size_t kMaxJobName = 63 - std::string_view(" []").size() - 10;

std::vector<std::string> routine_names(const Schema& schema) {
    std::vector<std::string> names;
    for (const auto& f : schema.functions) names.push_back(f.name);
    return names;
}

const Function* with_inputs(const Schema& schema, const std::string& name, const std::string& inputs) {
    for (const Function* f : schema.find_functions(name))
        if (f->identity_types() == inputs) return f;
    return nullptr;
}

void check_procedure(const Schema& schema, const Job& job, Diagnostics& diags) {
    const NameRef& procedure = job.procedure;
    if (procedure.name.empty()) return;  // missing, reported by the parser
    const std::string what = "job `" + job.name + "`";
    const auto candidates = schema.find_functions(procedure.name);
    if (candidates.empty()) {
        diags.error(procedure.loc, what + " calls `" + procedure.name + "`, which the schema does not declare" +
                                       did_you_mean(procedure.name, routine_names(schema)) +
                                       "; declare it under `procedures:` with `args: [job_id integer, config jsonb]`");
        return;
    }
    if (with_inputs(schema, procedure.name, "(integer, jsonb)")) return;
    diags.error(procedure.loc, what + " calls `" + procedure.name + candidates.front()->identity_types() +
                                   "`, but TimescaleDB calls a job's procedure with `(job_id integer, config jsonb)` "
                                   "and would fail on every run (add_job accepts it); give `" +
                                   procedure.name + "` those arguments");
}

void check_config_function(const Schema& schema, const Job& job, Diagnostics& diags) {
    const NameRef& check = job.check_config;
    if (check.name.empty()) return;
    const std::string what = "`check_config` of job `" + job.name + "`";
    if (schema.find_functions(check.name).empty()) {
        diags.error(check.loc, what + " names `" + check.name + "`, which the schema does not declare" +
                                   did_you_mean(check.name, routine_names(schema)) +
                                   "; declare it under `functions:` with `args: [config jsonb]`");
    } else if (!with_inputs(schema, check.name, "(jsonb)")) {
        diags.error(check.loc, what + " names `" + check.name +
                                   "`, which does not take `(config jsonb)` (TimescaleDB: \"The check function's "
                                   "signature must be (config jsonb).\"); give it that argument");
    }
}

void check_job(const Schema& schema, const Job& job, Diagnostics& diags) {
    const std::string what = "job `" + job.name + "`";
    if (job.name.size() > kMaxJobName) {
        diags.error(job.loc, what + " has a name of " + std::to_string(job.name.size()) +
                                 " bytes; TimescaleDB stores it as \"<name> [<job id>]\" in 63 bytes (\"application "
                                 "name too long\"), so at most " +
                                 std::to_string(kMaxJobName) + " fit");
    }
    check_procedure(schema, job, diags);
    check_config_function(schema, job, diags);
    check_fixed_schedule(what, job.job, diags);
    if (job.job.timezone) {
        check_time_zone(*job.job.timezone, job.job.timezone_loc, "`timezone` of " + what, diags);
        if (job.job.fixed_schedule == false)
            diags.warning(job.job.timezone_loc, "`timezone` of " + what +
                                                    " has no effect on a schedule that is not fixed; remove it or "
                                                    "`fixed_schedule: false`");
    }
}

}  // namespace

void check_jobs(const Schema& schema, Diagnostics& diags) {
    for (size_t i = 0; i < schema.jobs.size(); ++i) {
        const Job& job = schema.jobs[i];
        auto first = std::find_if(schema.jobs.begin(), schema.jobs.begin() + static_cast<std::ptrdiff_t>(i),
                                  [&](const Job& j) { return j.name == job.name; });
        if (first != schema.jobs.begin() + static_cast<std::ptrdiff_t>(i)) {
            auto& d = diags.error(job.loc, "job `" + job.name + "` is declared twice; rename one of them");
            Diagnostics::add_note(d, first->loc, "first declared here");
            continue;
        }
        check_job(schema, job, diags);
    }
}

}  // namespace hyperschema::rules
