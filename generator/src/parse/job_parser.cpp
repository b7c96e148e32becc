// User-defined jobs (`jobs:`): a procedure, its schedule and job settings,
// and a config written as YAML (or JSON text) that becomes the job's jsonb.

#include <cerrno>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <regex>

#include "parse/parser.hpp"

namespace hyperschema::parse {

namespace {

// A plain YAML scalar as JSON: null, a boolean or a number where YAML's core
// schema reads one, else a string; a quoted scalar is always a string.
nlohmann::json scalar_json(const YAML::Node& node) {
    const std::string& text = node.Scalar();
    if (node.Tag() == "!") return text;
    if (text.empty() || text == "~" || text == "null" || text == "Null" || text == "NULL") return nullptr;
    if (text == "true" || text == "True" || text == "TRUE") return true;
    if (text == "false" || text == "False" || text == "FALSE") return false;
    // YAML's core schema: 7, -7, +7, 007, .5, 1., 1e3 (JSON spells them 7, 0.5, 1.0, 1000).
    static const std::regex kInteger(R"([-+]?[0-9]+)");
    static const std::regex kFloat(R"([-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?)");
    if (text.size() < 40 && std::regex_match(text, kInteger)) {
        errno = 0;
        const long long value = std::strtoll(text.c_str(), nullptr, 10);
        if (errno == 0) return value;
    }
    if (text.size() < 40 && std::regex_match(text, kFloat)) return std::strtod(text.c_str(), nullptr);
    return text;
}

std::optional<nlohmann::json> yaml_json(ParseContext& ctx, const YAML::Node& node, const std::string& what) {
    if (node.IsScalar()) return scalar_json(node);
    if (node.IsNull()) return nlohmann::json(nullptr);
    if (node.IsSequence()) {
        auto out = nlohmann::json::array();
        for (const auto& item : node) {
            auto value = yaml_json(ctx, item, what);
            if (!value) return std::nullopt;
            out.push_back(std::move(*value));
        }
        return out;
    }
    auto out = nlohmann::json::object();
    for (const auto& [key, value] : merged_pairs(node)) {
        if (!key.IsScalar()) {
            ctx.diags.error(location_of(ctx, key),
                            "a key of " + what + " is " + node_kind(key) + "; JSON object keys are text");
            return std::nullopt;
        }
        auto item = yaml_json(ctx, value, what);
        if (!item) return std::nullopt;
        out[key.Scalar()] = std::move(*item);
    }
    return out;
}

// The config as compact JSON text with sorted keys: a mapping or list in
// YAML, or a JSON text in a string.
std::string parse_config(ParseContext& ctx, const YAML::Node& node, const SourceLocation& loc,
                         const std::string& what) {
    if (node.IsScalar() && node.Tag() == "!") {
        auto parsed = nlohmann::json::parse(node.Scalar(), nullptr, false);
        if (parsed.is_discarded()) {
            ctx.diags.error(loc, what +
                                     " is a string that is not JSON; write the config as a YAML mapping "
                                     "(`config: {older_than: 30 days}`) or as JSON text");
            return "";
        }
        return parsed.dump();
    }
    auto json = yaml_json(ctx, node, what);
    return json ? json->dump() : "";
}

}  // namespace

std::optional<std::string> yaml_json_text(ParseContext& ctx, const YAML::Node& node, const std::string& what) {
    auto json = yaml_json(ctx, node, what);
    if (!json) return std::nullopt;
    return json->dump();
}

void Parser::parse_jobs(ParseContext& ctx, const YAML::Node& node) {
    MapReader jobs(ctx, node, "`jobs`");
    for (auto& entry : jobs.entries()) {
        Job j;
        j.name = entry.key;
        j.loc = entry.key_loc;
        check_identifier(ctx, j.name, j.loc, "job");
        const std::string what = "job `" + j.name + "`";
        MapReader spec(ctx, entry.value, what);
        if (!spec.valid()) continue;
        if (auto procedure = spec.take_string("procedure")) {
            j.procedure = {*procedure, spec.value_loc("procedure")};
            check_identifier(ctx, *procedure, j.procedure.loc, "procedure");
        }
        spec.require("procedure",
                     "the procedure the job calls, declared under `procedures:` with the arguments "
                     "`(job_id integer, config jsonb)`");
        if (auto config = spec.take("config")) {
            j.config_loc = spec.value_loc("config");
            j.config = parse_config(ctx, *config, j.config_loc, "`config` of " + what);
        }
        if (auto check = spec.take_string("check_config")) {
            j.check_config = {*check, spec.value_loc("check_config")};
            check_identifier(ctx, *check, j.check_config.loc, "function");
        }
        j.scheduled = spec.take_bool("scheduled").value_or(true);
        parse_job_settings(ctx, spec, j.job);
        spec.require("schedule", "how often the job runs, e.g. `schedule: 1 hour`");
        spec.finish();
        schema_.jobs.push_back(std::move(j));
    }
}

}  // namespace hyperschema::parse
