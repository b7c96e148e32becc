#include "emit/json_schema.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <stdexcept>

#include "catalog/aggregate_functions.hpp"
#include "catalog/column_types.hpp"
#include "catalog/privileges.hpp"
#include "hyperschema/version.hpp"
#include "model/interval.hpp"
#include "parse/dsl_keys.hpp"

namespace hyperschema::emit {
namespace {

using Json = nlohmann::ordered_json;  // keys in the order written: a stable, readable file
using parse::dsl::Definition;
using parse::dsl::Form;
using parse::dsl::Key;
using parse::dsl::Shape;

// "day" as a pattern of any letter case: [dD][aA][yY].
std::string any_case(std::string_view word) {
    std::string out;
    for (char c : word) {
        const char lower = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const char upper = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        out += lower == upper ? std::string(1, c) : std::string("[") + lower + upper + "]";
    }
    return out;
}

// What Interval::parse accepts: whole numbers with units, optionally
// separated by commas ("1 day 12 hours", "90d", "15 min").
std::string interval_pattern() {
    std::vector<std::string_view> units = Interval::unit_names();
    // Longest first, so that "minutes" is tried before "min" and "m...".
    std::stable_sort(units.begin(), units.end(), [](auto a, auto b) { return a.size() > b.size(); });
    std::string alternatives;
    for (auto u : units) alternatives += (alternatives.empty() ? "" : "|") + any_case(u);
    const std::string amount = "[0-9]{1,12}\\s*(" + alternatives + ")";
    return "^\\s*" + amount + "(\\s*,?\\s*" + amount + ")*\\s*$";
}

// Column types: the built-in spellings offered for completion; any type
// name with modifiers, array brackets and `?` passes (enums, domains and
// extension types are names of the schema's own).
Json column_type() {
    Json spellings = Json::array();
    for (const auto& s : catalog::type_spellings()) spellings.push_back(s);
    return {{"anyOf",
             {{{"enum", spellings}},
              {{"type", "string"},
               {"pattern", "^\\s*[A-Za-z_][A-Za-z0-9_ .]*(\\([A-Za-z0-9 ,-]*\\))?( *\\[[0-9]*\\])* *\\??\\s*$"}}}}};
}

// The words as an enum (what editors complete), or any letter case of them
// (the parser lowercases words such as `CASCADE` and `GIN`).
Json words_schema(const Json& words) {
    std::string alternatives;
    for (const auto& w : words) alternatives += (alternatives.empty() ? "" : "|") + any_case(w.get<std::string>());
    return {{"anyOf", {{{"enum", words}}, {{"type", "string"}, {"pattern", "^(" + alternatives + ")$"}}}}};
}

Json catalog_choices(std::string_view catalog) {
    Json words = Json::array();
    if (catalog == "aggregate_function") {
        for (const auto& f : catalog::all_aggregate_functions()) words.push_back(std::string(f.name));
        return words_schema(words);
    }
    if (catalog.rfind("privilege.", 0) == 0) {
        const std::string_view target = catalog.substr(std::string_view("privilege.").size());
        for (const auto& t : catalog::kGrantTargets) {
            const std::string_view name = t.target == catalog::GrantTarget::Aggregate   ? "aggregate"
                                          : t.target == catalog::GrantTarget::Namespace ? "schema"
                                                                                        : t.name;
            if (name != target) continue;
            for (const auto& p : catalog::privileges_of(t.target)) words.push_back(p);
            words.push_back("all");
            return words_schema(words);
        }
    }
    throw std::logic_error("dsl_keys.cpp names an unknown catalog `" + std::string(catalog) + "`");
}

Json ref(std::string_view id) {
    if (!parse::dsl::find_definition(id))
        throw std::logic_error("dsl_keys.cpp refers to an undefined definition `" + std::string(id) + "`");
    return {{"$ref", "#/$defs/" + std::string(id)}};
}

// The value shapes many keys share, defined once under $defs.
Json shared(const char* id) {
    return {{"$ref", std::string("#/$defs/") + id}};
}

Json shared_definitions() {
    return {
        {"identifier",
         {{"description", "A lowercase SQL name: letters, digits and _, not starting with a digit, at most 63 bytes."},
          {"type", "string"},
          {"pattern", "^[a-z_][a-z0-9_]*$"},
          {"maxLength", 63}}},
        {"names",
         {{"description", "One name, or a list of names."},
          {"anyOf", {shared("identifier"), {{"type", "array"}, {"items", shared("identifier")}}}}}},
        {"interval",
         {{"description", "An amount of time: whole numbers with units, e.g. `1 day`, `90 minutes`, `1 day 12 hours`."},
          {"type", "string"},
          {"pattern", interval_pattern()}}},
        {"time_amount",
         {{"description", "An interval, or a whole number in the units of an integer time column."},
          {"anyOf",
           {shared("interval"),
            {{"type", "integer"}, {"minimum", 0}},
            {{"type", "string"}, {"pattern", "^\\s*[0-9]{1,18}\\s*$"}}}}}},
        {"column_type",
         {{"description",
           "A column type: a PostgreSQL type (`bigint`, `numeric(6,2)`, `timestamptz`, `text[]`), an enum or domain "
           "of the schema, or an extension's type; a trailing `?` makes the column nullable."}}},
    };
}

Json form_schema(const Form& form) {
    switch (form.shape) {
        case Shape::String:
        case Shape::Sql:
            return {{"type", "string"}};
        case Shape::Identifier:
            return shared("identifier");
        case Shape::Boolean:
            return {{"type", "boolean"}};
        case Shape::Integer:
            return {{"type", "integer"}};
        case Shape::Number:
            return {{"type", "number"}};
        case Shape::Interval:
            return shared("interval");
        case Shape::TimeAmount:
            return shared("time_amount");
        case Shape::ColumnType:
            return shared("column_type");
        case Shape::Names:
            return shared("names");
        case Shape::Choice: {
            if (!form.target.empty()) return catalog_choices(form.target);
            Json words = Json::array();
            for (auto c : form.choices) words.push_back(std::string(c));
            return words_schema(words);
        }
        case Shape::Ref:
            return ref(form.target);
        case Shape::MapOf:
            return {{"type", "object"}, {"additionalProperties", ref(form.target)}};
        case Shape::ListOf:
            return {{"type", "array"}, {"items", ref(form.target)}};
        case Shape::Any:
            return Json::object();
    }
    return Json::object();
}

Json forms_schema(const std::vector<Form>& forms) {
    if (forms.size() == 1) return form_schema(forms.front());
    Json any = Json::array();
    for (const auto& f : forms) any.push_back(form_schema(f));
    return {{"anyOf", any}};
}

// An example written as YAML, as the JSON value an editor shows. Scalars
// are read as YAML 1.2's core schema reads them (true, 12, 1.5, else text).
Json json_of(const YAML::Node& node) {
    if (node.IsMap()) {
        Json out = Json::object();
        for (const auto& pair : node) out[pair.first.Scalar()] = json_of(pair.second);
        return out;
    }
    if (node.IsSequence()) {
        Json out = Json::array();
        for (const auto& item : node) out.push_back(json_of(item));
        return out;
    }
    if (node.IsNull()) return nullptr;
    const std::string text = node.Scalar();
    if (node.Tag() == "!") return text;  // quoted: always text
    if (text == "true" || text == "false") return text == "true";
    if (!text.empty() && text.find_first_not_of("-0123456789") == std::string::npos && text.size() < 18 &&
        text.find('-', 1) == std::string::npos)
        return std::stoll(text);
    return text;
}

Json key_schema(const Key& key) {
    Json schema = forms_schema(key.forms);
    Json out = Json::object();
    out["description"] = std::string(key.description);
    if (!key.example.empty()) out["examples"] = Json::array({json_of(YAML::Load(std::string(key.example)))});
    // The value's own schema after the words, so hover shows the words.
    for (const auto& [k, v] : schema.items()) out[k] = v;
    return out;
}

Json definition_schema(const Definition& d) {
    if (d.keys.empty()) {
        Json out = {{"description", std::string(d.description)}};
        const Json forms = forms_schema(d.forms);  // named: items() iterates over it
        for (const auto& [k, v] : forms.items()) out[k] = v;
        return out;
    }
    Json properties = Json::object();
    Json required = Json::array();
    for (const auto& key : d.keys) {
        properties[std::string(key.name)] = key_schema(key);
        if (key.required) required.push_back(std::string(key.name));
    }
    Json out = {{"description", std::string(d.description)}, {"type", "object"}, {"properties", properties}};
    if (!required.empty()) out["required"] = required;
    // YAML merge keys (`<<: *defaults`) are resolved before the keys are read.
    if (d.extension_keys) out["patternProperties"] = {{"^x-", Json::object()}};
    out["additionalProperties"] = false;
    return out;
}

}  // namespace

std::string dsl_json_schema() {
    const auto& definitions = parse::dsl::definitions();
    Json defs = Json::object();
    for (const auto& d : definitions) defs[std::string(d.id)] = definition_schema(d);
    const Json shapes = shared_definitions();  // named: items() iterates over it
    for (const auto& [id, schema] : shapes.items()) {
        if (defs.contains(id)) throw std::logic_error("dsl_keys.cpp defines `" + id + "`, a shared shape's name");
        defs[id] = schema;
    }
    const Json types = column_type();
    for (const auto& [k, v] : types.items()) defs["column_type"][k] = v;
    Json root = {{"$schema", "https://json-schema.org/draft/2020-12/schema"},
                 {"title", "hyperschema schema file"},
                 {"description", "A YAML file of a hyperschema schema directory (hyperschema " + std::string(kVersion) +
                                     "): tables, hypertables, continuous aggregates, policies, views, functions, "
                                     "jobs and backfills for PostgreSQL with TimescaleDB."},
                 {"$ref", "#/$defs/" + std::string(definitions.front().id)},
                 {"$defs", defs}};
    return root.dump(2) + "\n";
}

}  // namespace hyperschema::emit
