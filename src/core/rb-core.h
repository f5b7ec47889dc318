/* rb-core.h — everything core offers
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rb-bundle.h"
#include "rb-data-dir.h"
#include "rb-engine.h"
#include "rb-error.h"
#include "rb-expr.h"
#include "rb-fs.h"
#include "rb-hash.h"
#include "rb-ident.h"
#include "rb-json.h"
#include "rb-model.h"
#include "rb-number.h"
#include "rb-orchestrator.h"
#include "rb-profile.h"
#include "rb-run.h"
#include "rb-run-store.h"
#include "rb-run-writer.h"
#include "rb-series.h"
#include "rb-telemetry.h"
#include "rb-template.h"
#include "rb-time.h"
#include "rb-yaml.h"
