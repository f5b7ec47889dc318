/* rb-bundle.h — reading a telemetry bundle (formats.md "Telemetry bundle")
 *
 * Accepts manifest schemaVersion 1 and 2, bare-hex hashes, and
 * bin_index,classId,value CSVs (DEFAULT rows).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "rb-run.h"
#include "rb-series.h"

G_BEGIN_DECLS

typedef struct
{
  char     *node_id;
  RbMetric  metric;
  char     *path;      /* relative to the bundle folder, validated: no "/" or ".." */
  char     *hash;      /* nullable */
  guint     points;
} RbBundleFile;

typedef struct _RbBundle RbBundle;

/* Reads <dir>/manifest.json (and autocapture.json when present). 404 when
 * the folder or its manifest is missing; 422 telemetry_bundle_incompatible
 * when the manifest is malformed. Messages never contain @dir. */
RbBundle     *rb_bundle_load                (const char     *dir,
                                             GError        **error);
void          rb_bundle_free                (RbBundle       *bundle);

guint         rb_bundle_get_bins            (const RbBundle *bundle);
guint         rb_bundle_get_bin_size        (const RbBundle *bundle);
const char   *rb_bundle_get_bin_unit        (const RbBundle *bundle);
GPtrArray    *rb_bundle_get_files           (const RbBundle *bundle);   /* of RbBundleFile* */
guint         rb_bundle_get_warning_count   (const RbBundle *bundle);
/* From autocapture.json (else the manifest's provenance); nullable. */
const char   *rb_bundle_get_source_run_id   (const RbBundle *bundle);
const char   *rb_bundle_get_template_id     (const RbBundle *bundle);
const char   *rb_bundle_get_generated_at    (const RbBundle *bundle);
const char   *rb_bundle_get_capture_key     (const RbBundle *bundle);
/* Reads one file's series; its length must equal the manifest's points. */
RbSeries     *rb_bundle_read_series         (const RbBundle     *bundle,
                                             const RbBundleFile *file,
                                             GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (RbBundle, rb_bundle_free)

G_END_DECLS
