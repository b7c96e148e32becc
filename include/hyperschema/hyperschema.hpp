#pragma once

// The hyperschema runtime: include this one header.

#include "hyperschema/error.hpp"
#include "hyperschema/expected_schema.hpp"
#include "hyperschema/migration.hpp"
#include "hyperschema/migrator.hpp"
#include "hyperschema/refresh.hpp"
#include "hyperschema/verify.hpp"
#include "hyperschema/version.hpp"
