/* rb-run-index.c — <data>/.runboard/index: a cache of run summaries
 *
 * Our own flat format, little-endian, read with bounds checks on every
 * field (a damaged or hostile file gives an empty index, never a crash):
 *
 *   file     := "runboard-index-3" (16 bytes)  u32 count  u32 0
 *               u64 summaries_length  u64 summaries_checksum
 *               summaries (summaries_length bytes: summary × count)
 *               detail × count (in the same order)
 *               u64 checksum (of every byte before it)
 *   summary  := u32 size (bytes after this field)  str run_id
 *               i64 created_usec  i64 rng_seed  u32 bins  u32 bin_size
 *               u32 flags (1 grid, 2 rng, 4 metadata ok)  u32 warning_count
 *               str template_id, template_title, template_version, mode,
 *                   created_utc, diagnostic, bin_unit, rng_kind,
 *                   source_run_id, source_kind
 *   detail   := u32 size  u64 stamp[35]  str input_hash, parameters (JSON)
 *               (str code, str message, str node_id,
 *                u32 n_bins, i32 bin × n_bins) × warning_count
 *   str      := u32 length (0xffffffff: none), UTF-8 bytes without NUL
 *
 * The stamp is the identity of each file the summary was read from (see
 * stamp_files). The app's first listing reads the summaries only (a
 * quarter of the file: the stamps alone are 280 bytes a run) and checks
 * their own checksum; everything else reads the whole file.
 * Format 2 kept both parts in one record; format 1 was a GVariant file
 * (decoding 100 000 GVariant entries took seconds, this a tenth of one).
 * A file of another version is ignored and rewritten.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-run-index"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <string.h>
#include <sys/stat.h>
#include <glib/gstdio.h>

#include "rb-fs.h"
#include "rb-json.h"
#include "rb-run-index.h"
#include "rb-run-private.h"

#define INDEX_MAGIC      "runboard-index-3"
#define MAGIC_LENGTH     16
#define HEADER_LENGTH    (MAGIC_LENGTH + 24)
#define VALUES_PER_FILE  5
#define NO_STRING        G_MAXUINT32
#define FLAG_GRID        1u
#define FLAG_RNG         2u
#define FLAG_METADATA_OK 4u

/* Every file load_summary may read for a run without model/telemetry/. */
static const char * const stamp_files[] = {
  "run.json",
  "manifest.json",
  "model",
  "model/metadata.json",
  "model/provenance.json",
  "model/model.yaml",
  "series/index.json",
};

#define STAMP_VALUES (G_N_ELEMENTS (stamp_files) * VALUES_PER_FILE)

typedef struct
{
  guint64 values[STAMP_VALUES];
} Stamp;

/* The shared fields of a record, in file order (rb-run-private.h). */
enum {
  SHARED_TEMPLATE_ID,
  SHARED_TEMPLATE_TITLE,
  SHARED_TEMPLATE_VERSION,
  SHARED_MODE,
  SHARED_BIN_UNIT,
  SHARED_RNG_KIND,
  SHARED_SOURCE_KIND,
  N_SHARED
};

/* One run's two parts in the file as read (no copy, no allocation: a
 * listing reads 100 000 of them). */
typedef struct
{
  const guint8 *summary;
  const guint8 *detail;   /* NULL when only the summaries were read */
  guint32       summary_size;
  guint32       detail_size;
} Parts;

struct _RbRunIndex
{
  char       *data_dir;               /* a shared string (rb-run-private.h) */
  char       *last_shared[N_SHARED];  /* the previous record's, reused when equal */
  char       *path;
  GBytes     *file;       /* nullable: what was read */
  Parts      *parts;      /* one per entry of @file */
  GHashTable *old;        /* run id → Parts (in @parts), as read */
  GPtrArray  *made;       /* Parts of runs read from disk since (each one block) */
  GHashTable *current;    /* run id → Parts (in @parts or @made), this listing's */
  gboolean    dirty;
  gboolean    writable;   /* <data>/.runboard/ exists */
  gboolean    summaries_only;
};

/* Reading {{{ */

typedef struct
{
  const guint8 *p;
  const guint8 *end;
  gboolean      ok;
} Reader;

static void
reader_init (Reader       *r,
             const guint8 *data,
             gsize         length)
{
  r->p = data;
  r->end = data + length;
  r->ok = TRUE;
}

static const guint8 *
reader_take (Reader *r,
             gsize   length)
{
  const guint8 *start = r->p;

  if (!r->ok || (gsize) (r->end - r->p) < length)
    {
      r->ok = FALSE;
      return NULL;
    }
  r->p += length;
  return start;
}

static guint32
read_u32 (Reader *r)
{
  const guint8 *p = reader_take (r, 4);
  guint32 value = 0;

  if (p != NULL)
    memcpy (&value, p, 4);
  return GUINT32_FROM_LE (value);
}

static guint64
read_u64 (Reader *r)
{
  const guint8 *p = reader_take (r, 8);
  guint64 value = 0;

  if (p != NULL)
    memcpy (&value, p, 8);
  return GUINT64_FROM_LE (value);
}

/* A string borrowed from the file: *length bytes at the result, or NULL
 * for none (or when the record is damaged: then r->ok is FALSE). */
static const char *
read_str_borrowed (Reader *r,
                   gsize  *length)
{
  guint32 n = read_u32 (r);
  const guint8 *p;

  *length = 0;
  if (!r->ok || n == NO_STRING)
    return NULL;
  p = reader_take (r, n);
  if (p == NULL || memchr (p, '\0', n) != NULL || !g_utf8_validate_len ((const char *) p, n, NULL))
    {
      r->ok = FALSE;
      return NULL;
    }
  *length = n;
  return (const char *) p;
}

static char *
read_str (Reader *r)
{
  gsize length;
  const char *text = read_str_borrowed (r, &length);

  return text != NULL ? g_strndup (text, length) : NULL;
}

/* A shared string (rb-run-private.h). Runs listed together mostly repeat
 * the previous run's value, which is then taken without looking it up
 * again (700 000 lookups for 100 000 runs). */
static char *
read_shared (Reader  *r,
             char   **last)
{
  gsize length;
  const char *text = read_str_borrowed (r, &length);

  if (text == NULL)
    return NULL;
  if (*last == NULL || strncmp (*last, text, length) != 0 || (*last)[length] != '\0')
    {
      g_clear_pointer (last, _rb_shared_unref);
      *last = _rb_shared_new (text, length);
    }
  return _rb_shared_ref (*last);
}

/* Moves past a string without reading it (bounds checked only). */
static void
skip_str (Reader *r)
{
  guint32 n = read_u32 (r);

  if (r->ok && n != NO_STRING)
    reader_take (r, n);
}

/* A cheap 64-bit checksum (FNV-1a over 8-byte words): it only has to
 * catch a torn or damaged file, not an adversary; records are
 * bounds-checked whatever it says. */
static guint64
checksum (const guint8 *data,
          gsize         length)
{
  guint64 hash = G_GUINT64_CONSTANT (0xcbf29ce484222325);
  gsize i = 0;

  for (; i + 8 <= length; i += 8)
    {
      guint64 word;

      memcpy (&word, data + i, 8);
      hash = (hash ^ word) * G_GUINT64_CONSTANT (0x100000001b3);
    }
  for (; i < length; i++)
    hash = (hash ^ data[i]) * G_GUINT64_CONSTANT (0x100000001b3);
  return hash;
}

/* The next length-prefixed part of @r, NULL at the end or when damaged
 * (then r->ok is FALSE). */
static const guint8 *
take_part (Reader  *r,
           guint32 *size)
{
  *size = read_u32 (r);
  return reader_take (r, *size);
}

/* Splits @data (the whole index, or its header and summaries only when
 * @summaries_only) into entries by run id; FALSE (and nothing kept) when
 * it is not a whole index of this version. */
static gboolean
parse_file (RbRunIndex   *index,
            const guint8 *data,
            gsize         length,
            gboolean      summaries_only)
{
  guint64 stored, summaries_length, summaries_sum;
  guint32 count, n = 0;
  Reader r, s;

  if (length < HEADER_LENGTH || memcmp (data, INDEX_MAGIC, MAGIC_LENGTH) != 0)
    return FALSE;
  reader_init (&r, data + MAGIC_LENGTH, length - MAGIC_LENGTH);
  count = read_u32 (&r);
  read_u32 (&r);
  summaries_length = read_u64 (&r);
  summaries_sum = read_u64 (&r);
  /* Each entry takes at least 8 bytes: a larger count is damage. */
  if (summaries_length > length - HEADER_LENGTH || count > summaries_length / 8 ||
      checksum (data + HEADER_LENGTH, summaries_length) != summaries_sum)
    return FALSE;
  if (!summaries_only)
    {
      if (length < HEADER_LENGTH + summaries_length + 8)
        return FALSE;
      memcpy (&stored, data + length - 8, 8);
      if (GUINT64_FROM_LE (stored) != checksum (data, length - 8))
        return FALSE;
    }

  index->parts = g_new0 (Parts, MAX (count, 1));
  reader_init (&s, data + HEADER_LENGTH, summaries_length);
  reader_init (&r, data + HEADER_LENGTH + summaries_length,
               summaries_only ? 0 : length - HEADER_LENGTH - summaries_length - 8);
  for (; n < count && s.ok && r.ok; n++)
    {
      Parts *parts = &index->parts[n];
      gsize id_length;
      const char *id;
      Reader id_reader;

      parts->summary = take_part (&s, &parts->summary_size);
      if (!summaries_only)
        parts->detail = take_part (&r, &parts->detail_size);
      if (parts->summary == NULL || (!summaries_only && parts->detail == NULL))
        break;
      reader_init (&id_reader, parts->summary, parts->summary_size);
      id = read_str_borrowed (&id_reader, &id_length);
      if (id == NULL)
        break;
      g_hash_table_replace (index->old, g_strndup (id, id_length), parts);
    }
  if (n != count || !s.ok || s.p != s.end || !r.ok || r.p != r.end)
    {
      g_hash_table_remove_all (index->old);
      g_clear_pointer (&index->parts, g_free);
      return FALSE;
    }
  return TRUE;
}

static gboolean
read_exactly (int     fd,
              guint8 *buffer,
              gsize   length)
{
  while (length > 0)
    {
      gssize n = read (fd, buffer, length);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      buffer += n;
      length -= (gsize) n;
    }
  return TRUE;
}

/* The header and the summaries only: what a listing that does not look
 * at the runs' files needs. */
static GBytes *
read_summaries (const char *path)
{
  g_autofree guint8 *data = NULL;
  guint8 header[HEADER_LENGTH];
  guint64 summaries_length;
  gsize length;
  int fd = g_open (path, O_RDONLY | O_CLOEXEC, 0);

  if (fd < 0)
    return NULL;
  if (!read_exactly (fd, header, HEADER_LENGTH))
    {
      close (fd);
      return NULL;
    }
  memcpy (&summaries_length, header + MAGIC_LENGTH + 8, 8);
  summaries_length = GUINT64_FROM_LE (summaries_length);
  /* Whatever the header says, no more than the file has. */
  {
    struct stat st;

    if (fstat (fd, &st) != 0 || summaries_length > (guint64) st.st_size)
      {
        close (fd);
        return NULL;
      }
  }
  length = HEADER_LENGTH + (gsize) summaries_length;
  data = g_malloc (length);
  memcpy (data, header, HEADER_LENGTH);
  if (!read_exactly (fd, data + HEADER_LENGTH, (gsize) summaries_length))
    {
      close (fd);
      return NULL;
    }
  close (fd);
  return g_bytes_new_take (g_steal_pointer (&data), length);
}

static RbRunIndex *
index_load (const char *data_dir,
            gboolean    summaries_only)
{
  RbRunIndex *index;
  g_autoptr(GBytes) file = NULL;
  g_autofree char *dir = NULL;

  g_return_val_if_fail (data_dir != NULL, NULL);

  index = g_new0 (RbRunIndex, 1);
  index->data_dir = _rb_shared_new (data_dir, strlen (data_dir));
  index->path = g_build_filename (data_dir, ".runboard", "index", NULL);
  index->old = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  index->current = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  index->made = g_ptr_array_new_with_free_func (g_free);
  index->summaries_only = summaries_only;

  /* Only in folders Runboard set up (they have .runboard/): listing a
   * folder of someone else's runs (FlowTime's, a test's sample) neither
   * reads nor writes an index there. */
  dir = g_path_get_dirname (index->path);
  index->writable = g_file_test (dir, G_FILE_TEST_IS_DIR);
  if (!index->writable)
    return index;

  /* Read, not mapped: a file truncated under a mapping would be SIGBUS. */
  if (summaries_only)
    file = read_summaries (index->path);
  else
    {
      g_autofree char *contents = NULL;
      gsize length = 0;

      if (g_file_get_contents (index->path, &contents, &length, NULL))
        file = g_bytes_new_take (g_steal_pointer (&contents), length);
    }
  if (file != NULL)
    {
      gsize length;
      const guint8 *data = g_bytes_get_data (file, &length);

      if (parse_file (index, data, length, summaries_only))
        index->file = g_steal_pointer (&file);
      else
        g_debug ("ignoring the run index: not a whole one of this version");
    }
  return index;
}

RbRunIndex *
rb_run_index_load (const char *data_dir)
{
  return index_load (data_dir, FALSE);
}

RbRunIndex *
rb_run_index_load_summaries (const char *data_dir)
{
  return index_load (data_dir, TRUE);
}

void
rb_run_index_free (RbRunIndex *index)
{
  if (index == NULL)
    return;
  g_hash_table_unref (index->current);
  g_hash_table_unref (index->old);
  g_ptr_array_unref (index->made);
  g_clear_pointer (&index->parts, g_free);
  g_clear_pointer (&index->file, g_bytes_unref);
  g_free (index->path);
  _rb_shared_unref (index->data_dir);
  for (guint i = 0; i < N_SHARED; i++)
    g_clear_pointer (&index->last_shared[i], _rb_shared_unref);
  g_free (index);
}

/* The stamp at the start of a detail. */
static gboolean
record_stamp (const Parts *parts,
              Stamp       *stamp)
{
  Reader r;

  reader_init (&r, parts->detail, parts->detail_size);
  for (guint i = 0; i < STAMP_VALUES; i++)
    stamp->values[i] = read_u64 (&r);
  return r.ok;
}

/* @run NULL: only moves past the warning. */
static void
read_warning (Reader *r,
              RbRun  *run)
{
  RbWarning *warning;
  guint32 n_bins;

  if (run == NULL)
    {
      skip_str (r);
      skip_str (r);
      skip_str (r);
      n_bins = read_u32 (r);
      if (r->ok && n_bins > (gsize) (r->end - r->p) / 4)
        r->ok = FALSE;
      else
        reader_take (r, (gsize) n_bins * 4);
      return;
    }

  warning = g_new0 (RbWarning, 1);
  warning->code = read_str (r);
  warning->message = read_str (r);
  warning->node_id = read_str (r);
  n_bins = read_u32 (r);
  /* Each bin takes 4 bytes: a count larger than what is left is damage. */
  if (!r->ok || n_bins > (gsize) (r->end - r->p) / 4)
    {
      r->ok = FALSE;
      rb_warning_free (warning);
      return;
    }
  warning->bins = g_array_sized_new (FALSE, FALSE, sizeof (int), n_bins);
  for (guint32 j = 0; j < n_bins; j++)
    {
      gint32 bin = (gint32) read_u32 (r);

      g_array_append_val (warning->bins, bin);
    }
  g_ptr_array_add (_rb_run_warnings (run), warning);
}

/* @run_dir is <data_dir>/runs/<run_id> (checked without making it). */
static gboolean
is_in_runs (const char *data_dir,
            const char *run_dir,
            const char *run_id)
{
  gsize length = strlen (data_dir);

  return strncmp (run_dir, data_dir, length) == 0 &&
         strncmp (run_dir + length, G_DIR_SEPARATOR_S "runs" G_DIR_SEPARATOR_S, 6) == 0 &&
         strcmp (run_dir + length + 6, run_id) == 0;
}

/* The details a RunSummary has not (api.md): NULL when damaged. */
static gboolean
read_detail (Reader   *r,
             RbRun    *run,
             guint32   n_warnings)
{
  RbRunRare *rare = _rb_run_rare (run);

  reader_take (r, STAMP_VALUES * 8);
  rare->input_hash = read_str (r);
  /* Parsed when first asked for (rb_run_get_parameters). */
  rare->parameters_json = read_str (r);
  if (rare->parameters_json == NULL)
    return FALSE;
  for (guint32 i = 0; i < n_warnings && r->ok; i++)
    read_warning (r, run);
  return r->ok && r->p == r->end;
}

/* The run of an entry; NULL when it is damaged. Without its detail (or
 * with @summary_only), what api.md calls a RunSummary: no parameters,
 * input hash nor warnings (their count is kept), which a list of 100 000
 * runs never shows and which would double its memory. */
static RbRun *
run_from_entry (RbRunIndex  *index,
                const Parts *parts,
                const char  *run_dir,
                const char  *run_id,
                gboolean     summary_only)
{
  g_autoptr(RbRun) run = g_object_new (RB_TYPE_RUN, NULL);
  char *diagnostic, *source_run_id, *source_kind;
  gsize id_length;
  guint32 flags;
  Reader r;

  reader_init (&r, parts->summary, parts->summary_size);
  read_str_borrowed (&r, &id_length);
  run->created_usec = (gint64) read_u64 (&r);
  run->rng_seed = (gint64) read_u64 (&r);
  run->bins = read_u32 (&r);
  run->bin_size = read_u32 (&r);
  flags = read_u32 (&r);
  run->has_grid = (flags & FLAG_GRID) != 0;
  run->has_rng = (flags & FLAG_RNG) != 0;
  run->metadata_ok = (flags & FLAG_METADATA_OK) != 0;
  run->warning_count = read_u32 (&r);
  run->template_id = read_shared (&r, &index->last_shared[SHARED_TEMPLATE_ID]);
  run->template_title = read_shared (&r, &index->last_shared[SHARED_TEMPLATE_TITLE]);
  run->template_version = read_shared (&r, &index->last_shared[SHARED_TEMPLATE_VERSION]);
  run->mode = read_shared (&r, &index->last_shared[SHARED_MODE]);
  run->created_utc = read_str (&r);
  diagnostic = read_str (&r);
  run->bin_unit = read_shared (&r, &index->last_shared[SHARED_BIN_UNIT]);
  run->rng_kind = read_shared (&r, &index->last_shared[SHARED_RNG_KIND]);
  source_run_id = read_str (&r);
  source_kind = read_shared (&r, &index->last_shared[SHARED_SOURCE_KIND]);
  /* Most runs have neither: then no RbRunRare. */
  if (diagnostic != NULL || source_run_id != NULL || source_kind != NULL)
    {
      RbRunRare *rare = _rb_run_rare (run);

      rare->diagnostic = g_steal_pointer (&diagnostic);
      rare->source_run_id = g_steal_pointer (&source_run_id);
      rare->source_kind = g_steal_pointer (&source_kind);
    }
  if (!r.ok || r.p != r.end)
    return NULL;
  if (!summary_only)
    {
      if (parts->detail == NULL)
        return NULL;
      reader_init (&r, parts->detail, parts->detail_size);
      if (!read_detail (&r, run, run->warning_count))
        return NULL;
    }

  run->data_dir = _rb_shared_ref (index->data_dir);
  run->run_id = g_strdup (run_id);
  if (is_in_runs (index->data_dir, run_dir, run_id))
    run->directory_in_runs = TRUE;
  else
    run->directory = g_strdup (run_dir);
  /* Telemetry: runs without model/telemetry/ have none (only those are cached). */
  return g_steal_pointer (&run);
}

/* }}} */

/* Writing {{{ */

static void
put_u32 (GByteArray *out,
         guint32     value)
{
  value = GUINT32_TO_LE (value);
  g_byte_array_append (out, (const guint8 *) &value, 4);
}

static void
put_u64 (GByteArray *out,
         guint64     value)
{
  value = GUINT64_TO_LE (value);
  g_byte_array_append (out, (const guint8 *) &value, 8);
}

static void
put_str (GByteArray *out,
         const char *text)
{
  gsize length = text != NULL ? strlen (text) : 0;

  put_u32 (out, text != NULL ? (guint32) length : NO_STRING);
  if (length > 0)
    g_byte_array_append (out, (const guint8 *) text, length);
}

static void
put_part (GByteArray   *out,
          const guint8 *data,
          guint32       size)
{
  put_u32 (out, size);
  g_byte_array_append (out, data, size);
}

/* The parts of @run, in one block kept by @index until it is freed. */
static Parts *
record_new (RbRunIndex  *index,
            RbRun       *run,
            const Stamp *stamp)
{
  Parts *parts;
  GByteArray *summary = g_byte_array_sized_new (256);
  GByteArray *detail = g_byte_array_sized_new (1024);
  g_autoptr(JsonNode) parameters = json_node_new (JSON_NODE_OBJECT);
  g_autofree char *parameters_text = NULL;
  guint n_warnings = RB_RUN_RARE (run)->warnings != NULL ? RB_RUN_RARE (run)->warnings->len : 0;

  json_node_set_object (parameters, rb_run_get_parameters (run));
  parameters_text = json_to_string (parameters, FALSE);

  put_str (summary, run->run_id);
  put_u64 (summary, (guint64) run->created_usec);
  put_u64 (summary, (guint64) run->rng_seed);
  put_u32 (summary, run->bins);
  put_u32 (summary, run->bin_size);
  put_u32 (summary, (run->has_grid ? FLAG_GRID : 0) | (run->has_rng ? FLAG_RNG : 0) |
                    (run->metadata_ok ? FLAG_METADATA_OK : 0));
  put_u32 (summary, n_warnings);
  put_str (summary, run->template_id);
  put_str (summary, run->template_title);
  put_str (summary, run->template_version);
  put_str (summary, run->mode);
  put_str (summary, run->created_utc);
  put_str (summary, RB_RUN_RARE (run)->diagnostic);
  put_str (summary, run->bin_unit);
  put_str (summary, run->rng_kind);
  put_str (summary, RB_RUN_RARE (run)->source_run_id);
  put_str (summary, RB_RUN_RARE (run)->source_kind);

  for (guint i = 0; i < STAMP_VALUES; i++)
    put_u64 (detail, stamp->values[i]);
  put_str (detail, RB_RUN_RARE (run)->input_hash);
  put_str (detail, parameters_text);
  for (guint i = 0; i < n_warnings; i++)
    {
      RbWarning *warning = g_ptr_array_index (RB_RUN_RARE (run)->warnings, i);

      put_str (detail, warning->code);
      put_str (detail, warning->message);
      put_str (detail, warning->node_id);
      put_u32 (detail, warning->bins->len);
      for (guint j = 0; j < warning->bins->len; j++)
        put_u32 (detail, (guint32) g_array_index (warning->bins, int, j));
    }
  parts = g_malloc (sizeof (Parts) + summary->len + detail->len);
  memcpy ((guint8 *) (parts + 1), summary->data, summary->len);
  memcpy ((guint8 *) (parts + 1) + summary->len, detail->data, detail->len);
  parts->summary = (const guint8 *) (parts + 1);
  parts->summary_size = summary->len;
  parts->detail = parts->summary + summary->len;
  parts->detail_size = detail->len;
  g_byte_array_unref (summary);
  g_byte_array_unref (detail);
  g_ptr_array_add (index->made, parts);
  return parts;
}

/* }}} */

/* The identity of each file of stamp_files (G_MAXUINT64 × 5 when absent);
 * FALSE when the run directory cannot be opened or has model/telemetry/
 * (*has_telemetry, also set when that cannot be checked). Relative to a
 * descriptor of the run directory: 100 000 runs mean 800 000 of these. */
static gboolean
stamp_run (const char *run_dir,
           Stamp      *stamp,
           gboolean   *has_telemetry)
{
  int dir_fd = open (run_dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  struct stat st;

  *has_telemetry = FALSE;
  if (dir_fd < 0)
    return FALSE;
  *has_telemetry = fstatat (dir_fd, "model/telemetry", &st, AT_SYMLINK_NOFOLLOW) == 0 ||
                   errno != ENOENT;
  for (guint i = 0; i < G_N_ELEMENTS (stamp_files) && !*has_telemetry; i++)
    {
      guint64 *v = stamp->values + i * VALUES_PER_FILE;

      if (fstatat (dir_fd, stamp_files[i], &st, AT_SYMLINK_NOFOLLOW) != 0)
        {
          for (guint j = 0; j < VALUES_PER_FILE; j++)
            v[j] = G_MAXUINT64;
          continue;
        }
      v[0] = (guint64) st.st_ino;
      v[1] = (guint64) st.st_size;
      v[2] = (guint64) st.st_mtim.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) st.st_mtim.tv_nsec;
      v[3] = (guint64) st.st_ctim.tv_sec * G_GUINT64_CONSTANT (1000000000) + (guint64) st.st_ctim.tv_nsec;
      v[4] = (guint64) st.st_mode;
    }
  close (dir_fd);
  return !*has_telemetry;
}

static gboolean
stamp_matches (const Parts *parts,
               const Stamp *stamp)
{
  Stamp old;

  return parts->detail != NULL && record_stamp (parts, &old) &&
         memcmp (&old, stamp, sizeof old) == 0;
}

/* Broken runs are never cached, nor runs with a warning without bins (the
 * index cannot tell absent bins from an empty list): both are read every time. */
static gboolean
run_is_cacheable (RbRun *run)
{
  if (RB_RUN_RARE (run)->load_error != NULL)
    return FALSE;
  for (guint i = 0; RB_RUN_RARE (run)->warnings != NULL && i < RB_RUN_RARE (run)->warnings->len; i++)
    {
      RbWarning *warning = g_ptr_array_index (RB_RUN_RARE (run)->warnings, i);

      if (warning->bins == NULL || warning->code == NULL || warning->message == NULL)
        return FALSE;
    }
  return TRUE;
}

/* Reads the run from disk and remembers it (stamped before reading: a
 * change while reading makes the entry stale). */
static RbRun *
load_and_remember (RbRunIndex  *index,
                   const char  *run_dir,
                   const char  *run_id,
                   const Stamp *stamp)
{
  RbRun *run = rb_run_load_in (index->data_dir, run_dir, run_id);

  index->dirty = TRUE;
  if (run_is_cacheable (run))
    g_hash_table_replace (index->current, g_strdup (run_id), record_new (index, run, stamp));
  return run;
}

RbRun *
rb_run_index_get (RbRunIndex *index,
                  const char *run_dir,
                  const char *run_id)
{
  gboolean has_telemetry;
  const Parts *entry;
  Stamp stamp;

  g_return_val_if_fail (index != NULL, NULL);
  g_return_val_if_fail (run_dir != NULL && run_id != NULL, NULL);

  /* Without .runboard/ there is no index to use nor to write. */
  if (!index->writable || !stamp_run (run_dir, &stamp, &has_telemetry))
    return rb_run_load_in (index->data_dir, run_dir, run_id);
  entry = g_hash_table_lookup (index->old, run_id);
  if (entry != NULL && stamp_matches (entry, &stamp))
    {
      RbRun *run = run_from_entry (index, entry, run_dir, run_id, FALSE);

      if (run != NULL)
        {
          g_hash_table_replace (index->current, g_strdup (run_id), (gpointer) entry);
          return run;
        }
    }
  return load_and_remember (index, run_dir, run_id, &stamp);
}

RbRun *
rb_run_index_get_unchecked (RbRunIndex *index,
                            const char *run_dir,
                            const char *run_id)
{
  const Parts *entry;
  RbRun *run = NULL;

  g_return_val_if_fail (index != NULL, NULL);
  g_return_val_if_fail (run_dir != NULL && run_id != NULL, NULL);

  entry = g_hash_table_lookup (index->old, run_id);
  if (entry != NULL)
    run = run_from_entry (index, entry, run_dir, run_id, TRUE);
  if (run == NULL)
    run = rb_run_load_in (index->data_dir, run_dir, run_id);
  return run;
}

gboolean
rb_run_index_check (RbRunIndex *index,
                    const char *run_dir,
                    const char *run_id)
{
  g_autoptr(RbRun) run = NULL;
  gboolean has_telemetry;
  const Parts *entry;
  Stamp stamp;

  g_return_val_if_fail (index != NULL, FALSE);
  g_return_val_if_fail (run_dir != NULL && run_id != NULL, FALSE);

  if (!index->writable)
    return TRUE;
  entry = g_hash_table_lookup (index->old, run_id);
  if (!stamp_run (run_dir, &stamp, &has_telemetry))
    {
      /* Such runs are read from disk whenever listed, unless the index
       * still has an entry from before model/telemetry/ appeared. */
      if (entry != NULL)
        index->dirty = TRUE;
      return entry == NULL;
    }
  if (entry != NULL && stamp_matches (entry, &stamp))
    {
      g_hash_table_replace (index->current, g_strdup (run_id), (gpointer) entry);
      return TRUE;
    }
  /* A run new to the index was read from disk when listed: still current. */
  run = load_and_remember (index, run_dir, run_id, &stamp);
  return entry == NULL;
}

guint
rb_run_index_count_gone (RbRunIndex *index)
{
  GHashTableIter iter;
  gpointer key;
  guint gone = 0;

  g_return_val_if_fail (index != NULL, 0);

  g_hash_table_iter_init (&iter, index->old);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    gone += !g_hash_table_contains (index->current, key);
  return gone;
}

gboolean
rb_run_index_save (RbRunIndex  *index,
                   GError     **error)
{
  g_autoptr(GByteArray) out = NULL;
  g_autoptr(GList) entries = NULL;
  guint64 sum, summaries_length, summaries_sum;

  g_return_val_if_fail (index != NULL, FALSE);

  if (!index->writable || index->summaries_only ||
      (!index->dirty && g_hash_table_size (index->current) == g_hash_table_size (index->old)))
    return TRUE;

  entries = g_hash_table_get_values (index->current);
  out = g_byte_array_new ();
  g_byte_array_append (out, (const guint8 *) INDEX_MAGIC, MAGIC_LENGTH);
  put_u32 (out, g_hash_table_size (index->current));
  put_u32 (out, 0);
  put_u64 (out, 0);   /* the summaries' length and checksum, below */
  put_u64 (out, 0);
  for (GList *l = entries; l != NULL; l = l->next)
    put_part (out, ((Parts *) l->data)->summary, ((Parts *) l->data)->summary_size);
  summaries_length = GUINT64_TO_LE (out->len - HEADER_LENGTH);
  summaries_sum = GUINT64_TO_LE (checksum (out->data + HEADER_LENGTH, out->len - HEADER_LENGTH));
  memcpy (out->data + MAGIC_LENGTH + 8, &summaries_length, 8);
  memcpy (out->data + MAGIC_LENGTH + 16, &summaries_sum, 8);
  for (GList *l = entries; l != NULL; l = l->next)
    put_part (out, ((Parts *) l->data)->detail, ((Parts *) l->data)->detail_size);
  sum = GUINT64_TO_LE (checksum (out->data, out->len));
  g_byte_array_append (out, (const guint8 *) &sum, 8);
  if (!rb_fs_write_atomic (index->path, out->data, out->len, error))
    return FALSE;
  /* Temps of a lister killed before its rename (an hour old: dead). */
  rb_fs_remove_stale_temps (index->path, 3600);
  return TRUE;
}
