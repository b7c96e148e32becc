// User-defined jobs, by name: added after the procedures they call exist,
// deleted before those go, altered in place with alter_job() (the job keeps
// its id and run history). What alter_job() cannot undo (a config, check
// function, time zone or initial start that is no longer set) and a change
// of procedure delete the job and add it again.

#include "diff/object_diff.hpp"
#include "emit/sql_statements.hpp"

namespace hyperschema::diff {
namespace {

bool readded(const Schema& from, const Job& old, const Schema& to, const Job& now) {
    auto unset = [](const auto& was, const auto& is) { return was && !is; };
    return from.namespace_ != to.namespace_ || old.procedure.name != now.procedure.name ||
           (!old.config.empty() && now.config.empty()) ||
           (!old.check_config.name.empty() && now.check_config.name.empty()) ||
           unset(old.job.timezone, now.job.timezone) || unset(old.job.initial_start, now.job.initial_start);
}

}  // namespace

void diff_jobs(const Schema& from, const Schema& to, Output& out) {
    for (const auto& old : from.jobs) {
        const Job* now = to.find_job(old.name);
        if (now && !readded(from, old, to, *now)) continue;
        Change& ch = out.add(Stage::DropPolicies, "- job " + old.name, emit::delete_job(from, old.name));
        ch.irreversible = "the run history of job " + old.name;
    }
    for (const auto& now : to.jobs) {
        const Job* old = from.find_job(now.name);
        if (!old || readded(from, *old, to, now)) {
            out.add(Stage::AddPolicies,
                    "+ job " + now.name + " (" + now.procedure.name + ", every " + now.job.schedule->text() + ")",
                    emit::add_job(to, now), Phase::Transaction, now.loc);
        } else if (std::string sql = emit::alter_job(to, *old, now); !sql.empty()) {
            out.add(Stage::AddPolicies, "~ job " + now.name + ": settings", sql, Phase::Transaction, now.loc);
        }
    }
}

}  // namespace hyperschema::diff
