// Data migrations (`backfills:`): the transformation of one batch as SQL, the
// key the batches walk, the batch size in the key's unit, the validation of
// each batch and the checks of the whole run.

#include "parse/parser.hpp"

namespace hyperschema::parse {

namespace {

// SQL text as written, without the trailing `;` and blank lines a block
// scalar brings: the runner pastes it into statements of its own.
std::string sql_text(std::string text) {
    while (!text.empty() && (std::isspace(static_cast<unsigned char>(text.back())) || text.back() == ';'))
        text.pop_back();
    return text;
}

std::optional<int64_t> pause_ms(ParseContext& ctx, MapReader& spec, const std::string& what) {
    auto pause = spec.take_interval("pause", true);
    if (!pause) return std::nullopt;
    if (pause->months != 0 || pause->days != 0 || pause->micros > 3'600 * Interval::kMicrosPerSecond) {
        ctx.diags.error(spec.value_loc("pause"),
                        "`pause` of " + what + " is a pause between batches, at most 1 hour (e.g. `250 ms`)");
        return std::nullopt;
    }
    return pause->micros / 1000;
}

void parse_backfill_checks(ParseContext& ctx, const YAML::Node& node, const SourceLocation& loc,
                           const std::string& what, std::vector<Backfill::Check>& out) {
    if (!node.IsSequence()) {
        ctx.diags.error(loc,
                        "`checks` of " + what +
                            " is a list of checks, each `{name, empty: SQL}` or `{name, source: SQL, target: SQL}`");
        return;
    }
    for (const auto& item : node) {
        MapReader check(ctx, item, "a check of " + what);
        if (!check.valid()) continue;
        Backfill::Check c;
        c.loc = check.loc();
        c.name = check.take_string("name").value_or("");
        check.require("name", "what the check shows, e.g. `name: counts per system`");
        c.empty = sql_text(check.take_string("empty").value_or(""));
        c.source = sql_text(check.take_string("source").value_or(""));
        c.target = sql_text(check.take_string("target").value_or(""));
        const bool pair = !c.source.empty() || !c.target.empty();
        if (c.empty.empty() == !pair || (pair && (c.source.empty() || c.target.empty())))
            ctx.diags.error(c.loc, "check `" + c.name + "` of " + what +
                                       " needs either `empty` (a query whose rows are problems) or both `source` "
                                       "and `target` (two queries whose results must be equal)");
        check.finish();
        out.push_back(std::move(c));
    }
}

}  // namespace

void Parser::parse_backfills(ParseContext& ctx, const YAML::Node& node) {
    MapReader backfills(ctx, node, "`backfills`");
    for (auto& entry : backfills.entries()) {
        Backfill b;
        b.name = entry.key;
        b.loc = entry.key_loc;
        check_identifier(ctx, b.name, b.loc, "backfill");
        const std::string what = "backfill `" + b.name + "`";
        MapReader spec(ctx, entry.value, what);
        if (!spec.valid()) continue;
        b.comment = spec.take_string("comment").value_or("");
        if (auto source = spec.take_string("source")) b.source = {*source, spec.value_loc("source")};
        spec.require("source", "the table whose rows the batches walk, e.g. `source: readings`");
        if (auto key = spec.take_string("key")) b.key = {*key, spec.value_loc("key")};
        spec.require("key", "the source column the batches are ranges of, e.g. `key: inverter_time`");
        if (auto unit = spec.take_string("unit")) {
            b.unit = *unit;
            b.unit_loc = spec.value_loc("unit");
        }
        b.batch = spec.take_time_amount("batch");
        b.batch_loc = spec.value_loc("batch");
        spec.require("batch",
                     "how much of the key one batch covers, e.g. `batch: 1 day` (or a number for an "
                     "integer key)");
        if (auto target = spec.take_string("target")) b.target = {*target, spec.value_loc("target")};
        spec.require("target", "the table the rows go into");
        b.columns = spec.take_names("columns");
        b.columns_loc = spec.value_loc("columns");
        spec.require("columns", "the target columns the SELECT fills, in its order");
        if (auto select = spec.take_string("select")) {
            b.select = sql_text(*select);
            b.select_loc = spec.value_loc("select");
        }
        spec.require("select",
                     "the SELECT giving one batch's rows, bounded by `:batch_start` and `:batch_end` on the key");
        if (auto expect = spec.take_string("expect")) {
            b.expect = sql_text(*expect);
            b.expect_loc = spec.value_loc("expect");
        }
        if (auto conflict = spec.take_string("on_conflict")) {
            b.on_conflict = *conflict;
            b.on_conflict_loc = spec.value_loc("on_conflict");
        }
        if (auto checks = spec.take("checks"))
            parse_backfill_checks(ctx, *checks, spec.value_loc("checks"), what, b.checks);
        if (auto ms = pause_ms(ctx, spec, what)) b.pause_ms = *ms;
        if (auto rate = spec.take_int("max_rows_per_second", 1, 2'000'000'000)) b.max_rows_per_second = *rate;
        spec.finish();
        schema_.backfills.push_back(std::move(b));
    }
}

}  // namespace hyperschema::parse
