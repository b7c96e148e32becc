#pragma once

// A picture of a schema (`hyperschema graph`): tables with their foreign
// keys, hypertables with their time column and chunk interval, continuous
// aggregates with their bucket, source and joins (hierarchies follow), views
// and what they read, and each relation's policies as notes on its node. As
// Mermaid (rendered by GitHub and GitLab in Markdown) or Graphviz DOT.

#include <string>

#include "model/schema.hpp"

namespace hyperschema::emit {

enum class GraphFormat { Mermaid, Dot };

std::string schema_graph(const Schema& schema, GraphFormat format);

}  // namespace hyperschema::emit
