// Policies of hypertables and continuous aggregates: the job settings every
// kind shares, and how the kinds combine. TimescaleDB accepts a zero schedule
// or retry period, a negative max_runtime or max_retries of -2 and then runs
// the job wrongly or never; the parser refuses those values (intervals are
// positive, max_runtime may be 0, max_retries is -1 or more), this file what
// only shows in combination.

#include <algorithm>

#include "validate/rules.hpp"

namespace hyperschema::rules {
namespace {

std::string policy_name(const Policy& p) {
    return policy_kind_name(p.kind);
}

void check_job(const std::string& owner, const Policy& p, Diagnostics& diags) {
    const JobSettings& job = p.job;
    const std::string what = "the " + policy_name(p) + " of " + owner;
    check_fixed_schedule(what, job, diags);
    if (job.timezone && !job.initial_start && job.fixed_schedule != true) {
        diags.warning(job.timezone_loc, "`timezone` of " + what +
                                            " has no effect without a fixed schedule; add `initial_start` (which "
                                            "makes the schedule fixed) or remove `timezone`");
    }
}

}  // namespace

void check_fixed_schedule(const std::string& what, const JobSettings& job, Diagnostics& diags) {
    if (job.fixed_schedule == false && job.initial_start) {
        diags.error(job.fixed_schedule_loc, "`fixed_schedule: false` of " + what +
                                                " contradicts its `initial_start`, which only a fixed schedule "
                                                "uses (TimescaleDB keeps it and ignores it); remove one of them");
    }
}

void check_policies(const Schema&, const std::string& owner, const Policies& policies, Diagnostics& diags) {
    for (const Policy& p : policies.items) check_job(owner, p, diags);
    const Policy* compression = policies.find(PolicyKind::Compression);
    const Policy* retention = policies.find(PolicyKind::Retention);
    if (compression && retention && compression->after->approx_micros() >= retention->after->approx_micros()) {
        diags.warning(compression->after_loc, "compression of " + owner + " starts after " +
                                                  compression->after->text() +
                                                  ", but retention drops its chunks after " + retention->after->text() +
                                                  ": chunks would be dropped before (or as soon as) they are "
                                                  "compressed; compress sooner or keep data longer");
    }
}

void check_reorder_index(const Table& table, const Policy& reorder, Diagnostics& diags) {
    std::vector<std::string> indexes;
    for (const auto& i : table.indexes) indexes.push_back(i.name);
    if (table.primary_key) indexes.push_back(table.primary_key->name);
    for (const auto& u : table.uniques) indexes.push_back(u.name);
    const Hypertable& h = *table.hypertable;
    // create_hypertable's own index on the time column.
    if (h.create_default_indexes) indexes.push_back(table.name + "_" + h.time_column.name + "_idx");
    if (std::find(indexes.begin(), indexes.end(), reorder.index.name) != indexes.end()) return;
    diags.error(reorder.index.loc,
                "the reorder policy of hypertable `" + table.name + "` names index `" + reorder.index.name +
                    "`, which the table does not have, so TimescaleDB refuses it (\"invalid "
                    "reorder index\")" +
                    did_you_mean(reorder.index.name, indexes) +
                    (indexes.empty() ? "; declare the index under `indexes`" : "; the table has " + one_of(indexes)));
}

}  // namespace hyperschema::rules
