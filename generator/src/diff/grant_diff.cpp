// Grants: every object created (or created again) in a migration gets its
// grants; an object that stays gets the privileges added (GRANT) and taken
// away (REVOKE). GRANT of a privilege a role has already is a no-op.

#include <algorithm>
#include <map>

#include "catalog/privileges.hpp"
#include "diff/object_diff.hpp"
#include "emit/identifiers.hpp"

namespace hyperschema::diff {
namespace {

using catalog::GrantTarget;
using emit::qualified;
using emit::quote_ident;

struct GrantedObject {
    GrantTarget target;
    std::string name;      // the object's name in its schema ("" for the schema itself)
    std::string sql_name;  // as GRANT names it: ns.t, ns.f(integer), ns
    std::vector<Grant> grants;
};

// Every object of the schema that takes grants, by kind and name.
std::map<std::string, GrantedObject> granted_objects(const Schema& s) {
    std::map<std::string, GrantedObject> out;
    auto add = [&](GrantTarget target, const std::string& name, std::string sql_name, const std::vector<Grant>& g) {
        std::string key = std::string(catalog::grant_target(target).name) + " " + sql_name;
        out.emplace(std::move(key), GrantedObject{target, name, std::move(sql_name), g});
    };
    add(GrantTarget::Namespace, "", quote_ident(s.namespace_), s.namespace_grants);
    for (const auto& t : s.tables) {
        add(GrantTarget::Table, t.name, qualified(s.namespace_, t.name), t.grants);
        for (const auto& [sequence, grants] : serial_sequence_grants(t))
            add(GrantTarget::Sequence, t.name, qualified(s.namespace_, sequence), grants);
    }
    for (const auto& v : s.views) add(GrantTarget::View, v.name, qualified(s.namespace_, v.name), v.grants);
    for (const auto& a : s.aggregates) add(GrantTarget::Aggregate, a.name, qualified(s.namespace_, a.name), a.grants);
    for (const auto& q : s.sequences) add(GrantTarget::Sequence, q.name, qualified(s.namespace_, q.name), q.grants);
    for (const auto& f : s.functions)
        add(f.is_procedure() ? GrantTarget::Procedure : GrantTarget::Function, f.name,
            qualified(s.namespace_, f.name) + f.identity_types(), f.grants);
    return out;
}

std::string privilege_list(const std::vector<std::string>& privileges) {
    std::string out;
    for (const auto& p : privileges) {
        std::string upper = p;
        for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        out += (out.empty() ? "" : ", ") + upper;
    }
    return out;
}

const Grant* grant_to(const std::vector<Grant>& grants, const std::string& role) {
    auto it = std::find_if(grants.begin(), grants.end(), [&](const Grant& g) { return g.role == role; });
    return it == grants.end() ? nullptr : &*it;
}

std::vector<std::string> minus(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    std::vector<std::string> out;
    for (const auto& x : a)
        if (std::find(b.begin(), b.end(), x) == b.end()) out.push_back(x);
    return out;
}

void grant(const GrantedObject& o, const std::string& role, const std::vector<std::string>& privileges,
           const SourceLocation& loc, Output& out) {
    if (privileges.empty()) return;
    const std::string on = std::string(catalog::grant_target(o.target).keyword) + " " + o.sql_name;
    out.add(Stage::Grants, "+ grant " + privilege_list(privileges) + " on " + on + " to " + role,
            "GRANT " + privilege_list(privileges) + " ON " + on + " TO " + quote_ident(role) + ";\n",
            Phase::Transaction, loc);
}

void revoke(const GrantedObject& o, const std::string& role, const std::vector<std::string>& privileges, Output& out) {
    if (privileges.empty()) return;
    const std::string on = std::string(catalog::grant_target(o.target).keyword) + " " + o.sql_name;
    out.add(Stage::Grants, "- grant " + privilege_list(privileges) + " on " + on + " to " + role,
            "REVOKE " + privilege_list(privileges) + " ON " + on + " FROM " + quote_ident(role) + ";\n");
}

}  // namespace

void diff_grants(const Schema& from, const Schema& to, const Renames& renames, const std::set<std::string>& recreated,
                 Output& out) {
    const auto before = granted_objects(from);
    for (const auto& [key, now] : granted_objects(to)) {
        // A renamed table or aggregate keeps its grants; it is found under its old name.
        std::string old_key = key;
        if (now.target == GrantTarget::Table || now.target == GrantTarget::Aggregate) {
            const std::string old_name = renames.table_in_from(now.name);
            if (!old_name.empty())
                old_key =
                    std::string(catalog::grant_target(now.target).name) + " " + qualified(from.namespace_, old_name);
        }
        auto old = before.find(old_key);
        const bool fresh = old == before.end() || (!now.name.empty() && recreated.count(now.name));
        for (const auto& g : now.grants) {
            const Grant* had = fresh ? nullptr : grant_to(old->second.grants, g.role);
            grant(now, g.role, had ? minus(g.privileges, had->privileges) : g.privileges, g.loc, out);
        }
        if (fresh) continue;
        for (const auto& g : old->second.grants) {
            const Grant* has = grant_to(now.grants, g.role);
            revoke(now, g.role, has ? minus(g.privileges, has->privileges) : g.privileges, out);
        }
    }
}

}  // namespace hyperschema::diff
