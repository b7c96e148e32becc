// Backfills, by name: a new one, or one whose definition changed, is a step
// after the migration's transaction (the tables it reads and writes exist by
// then). One that goes away forgets its checkpoint, so that a database taken
// down past it and up again runs it again instead of finding it done.

#include <hyperschema/backfill.hpp>

#include "diff/object_diff.hpp"
#include "emit/backfill_spec.hpp"
#include "emit/identifiers.hpp"

namespace hyperschema::diff {
namespace {

bool same_definition(const Schema& from, const Backfill& old, const Schema& to, const Backfill& now) {
    return detail::backfill::definition_json(emit::backfill_spec(from, old)) ==
           detail::backfill::definition_json(emit::backfill_spec(to, now));
}

std::string forget_checkpoint(const std::string& name) {
    return "DO $$BEGIN IF to_regclass('hyperschema.backfills') IS NOT NULL THEN DELETE FROM hyperschema.backfills "
           "WHERE name = " +
           emit::quote_literal(name) + "; END IF; END$$;\n";
}

}  // namespace

void diff_backfills(const Schema& from, const Schema& to, Output& out) {
    for (const auto& old : from.backfills) {
        if (to.find_backfill(old.name)) continue;
        out.add(Stage::DropPolicies, "- backfill " + old.name + " (its checkpoint)", forget_checkpoint(old.name));
    }
    for (const auto& now : to.backfills) {
        const Backfill* old = from.find_backfill(now.name);
        if (old && same_definition(from, *old, to, now)) continue;
        out.add(Stage::Backfills,
                std::string(old ? "~" : "+") + " backfill " + now.name + " (" + now.source.name + " -> " +
                    now.target.name + ", by " + now.key.name + ")",
                emit::backfill_step(to, now), Phase::AfterTransaction, now.loc);
    }
}

}  // namespace hyperschema::diff
