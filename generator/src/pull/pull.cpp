#include "pull/pull.hpp"

namespace hyperschema::pull {

PulledSchema pull_schema(connection& conn, const std::string& ns, const std::string& name) {
    PulledSchema pulled;
    const LiveDatabase db = read_live_database(conn, ns);
    pulled.draft = draft_schema(db, name.empty() ? default_schema_name(db) : name);
    pulled.compiled = compile_texts({{"pulled from " + ns + "/schema.yaml", pulled.draft.yaml}}, pulled.draft.name);
    return pulled;
}

}  // namespace hyperschema::pull
