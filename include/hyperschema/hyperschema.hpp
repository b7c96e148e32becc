#pragma once

// The hyperschema runtime: include this one header.

#include "hyperschema/backfill.hpp"
#include "hyperschema/codec.hpp"
#include "hyperschema/connection.hpp"
#include "hyperschema/copy.hpp"
#include "hyperschema/error.hpp"
#include "hyperschema/expected_schema.hpp"
#include "hyperschema/extension_types.hpp"
#include "hyperschema/introspect.hpp"
#include "hyperschema/jobs.hpp"
#include "hyperschema/migration.hpp"
#include "hyperschema/migrator.hpp"
#include "hyperschema/policy_kinds.hpp"
#include "hyperschema/query.hpp"
#include "hyperschema/refresh.hpp"
#include "hyperschema/rows.hpp"
#include "hyperschema/stream.hpp"
#include "hyperschema/table.hpp"
#include "hyperschema/types.hpp"
#include "hyperschema/verify.hpp"
#include "hyperschema/version.hpp"
