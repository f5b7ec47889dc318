/* rb-run-writer.h — writing a run directory (formats.md "Run directory")
 *
 * The writer fills a fresh, private folder (the orchestrator's
 * ".<runId>.tmp-XXXXXX" under runs/) with plain writes and syncs it once;
 * nothing is visible until rb_run_writer_publish() renames it into place.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Everything a run folder holds, borrowed from the caller. */
typedef struct
{
  const char         *run_id;
  const char         *model_text;          /* spec.yaml and model/model.yaml bytes */
  gsize               model_length;
  const char         *template_id;
  const char         *template_title;      /* nullable */
  const char         *template_version;    /* nullable */
  const char         *mode;                /* "simulation" | "telemetry" */
  JsonObject         *merged_parameters;   /* metadata.json */
  JsonObject         *request_parameters;  /* provenance.json */
  const char         *input_hash;
  const char         *rng_kind;
  gint64              seed;
  GDateTime          *created;             /* createdUtc, modelId */
  guint               bins;
  guint               bin_size;
  const char         *bin_unit;
  GPtrArray          *warnings;            /* nullable, of RbWarning* */
  guint               n_series;
  const char * const *series_node_ids;     /* n_series model node ids */
  const double * const *series_values;     /* n_series × bins values */
  const char         *replay_of_run_id;    /* nullable */
  const char         *replay_of_kind;      /* nullable */
  gboolean            has_telemetry;       /* provenance "telemetry" member */
  const char         *telemetry_capture_key;
  const char         *telemetry_source_run_id;
} RbRunContent;

/* "<nodeId>@<NODEID_UPPER>@DEFAULT" */
char      *rb_run_writer_series_id   (const char          *node_id);
/* The files a run folder holds, relative to it, in writing order. */
GPtrArray *rb_run_writer_list_files  (const RbRunContent  *content);
/* Writes every file of @content into the existing, empty folder @dir and
 * syncs the filesystem once. */
gboolean   rb_run_writer_write       (const char          *dir,
                                      const RbRunContent  *content,
                                      GCancellable        *cancellable,
                                      GError             **error);

typedef enum
{
  RB_RUN_PUBLISH_NEW,        /* fails with RB_ERROR_ALREADY_EXISTS when taken */
  RB_RUN_PUBLISH_REPLACE,    /* swaps an existing run atomically */
} RbRunPublishMode;

/* Renames @temp_dir to <runs_dir>/<run_id>. With REPLACE, an existing run
 * is exchanged (renameat2 RENAME_EXCHANGE, or old → ".<id>.old-XXXXXX",
 * new → id) and then deleted. On failure @temp_dir is left for the caller
 * to remove and the old run, if any, is intact. */
gboolean   rb_run_writer_publish     (const char          *runs_dir,
                                      const char          *temp_dir,
                                      const char          *run_id,
                                      RbRunPublishMode     mode,
                                      GError             **error);
/* Removes a folder tree (no symlinks followed); TRUE when gone. */
gboolean   rb_run_writer_remove_tree (const char          *path);
/* Removes ".<id>.tmp-*" and ".<id>.old-*" folders of @runs_dir whose
 * mtime is older than @max_age_seconds. */
void       rb_run_writer_sweep_stale (const char          *runs_dir,
                                      gint64               max_age_seconds);

/* Test-only: makes the next rb_run_writer_publish() calls fail as a crash
 * before the rename would (nothing is published). */
void       rb_run_writer_set_fail_publish_for_testing (gboolean fail);

G_END_DECLS
