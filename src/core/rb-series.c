/* rb-series.c — series values and the series CSV reader/writer
 *
 * The reader is a line machine fed either from memory or from a file read
 * in chunks, so a file with one enormous line is refused after reading at
 * most 1 MiB of it, never held whole.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-series"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rb-error.h"
#include "rb-number.h"
#include "rb-series.h"

#define MAX_LINE_LEN   (1024 * 1024)
#define MAX_FILE_SIZE  ((goffset) 512 * 1024 * 1024)
#define READ_CHUNK     (64 * 1024)
#define MAX_SHOWN      32

/* Series values {{{ */

RbSeries *
rb_series_new (guint n_bins)
{
  RbSeries *series = g_new0 (RbSeries, 1);

  series->n_bins = n_bins;
  series->values = g_new0 (double, MAX (n_bins, 1));
  series->missing = NULL;
  return series;
}

RbSeries *
rb_series_new_from (const double *values,
                    guint         n_bins)
{
  RbSeries *series = rb_series_new (n_bins);

  g_return_val_if_fail (values != NULL || n_bins == 0, series);

  if (n_bins > 0)
    memcpy (series->values, values, n_bins * sizeof (double));
  return series;
}

void
rb_series_free (RbSeries *series)
{
  if (series == NULL)
    return;
  g_free (series->values);
  g_free (series->missing);
  g_free (series);
}

gboolean
rb_series_is_missing (const RbSeries *series,
                      guint           bin)
{
  g_return_val_if_fail (series != NULL, TRUE);

  if (bin >= series->n_bins)
    return TRUE;
  return series->missing != NULL && series->missing[bin] != 0;
}

/* }}} */

/* Writer {{{ */

/* Decimal digits of @value into @out (no NUL); returns the length. */
static gsize
format_uint (guint  value,
             char  *out)
{
  char tmp[10];
  gsize n = 0;

  do
    {
      tmp[n++] = (char) ('0' + value % 10);
      value /= 10;
    }
  while (value != 0);
  for (gsize i = 0; i < n; i++)
    out[i] = tmp[n - 1 - i];
  return n;
}

GBytes *
rb_series_to_csv (const RbSeries *series)
{
  static const char header[] = "bin_index,value\n";
  gsize capacity;
  char *buf;
  char *p;

  g_return_val_if_fail (series != NULL, NULL);

  /* Written straight into one buffer sized for the worst case: this is the
   * hot path of run writing and capture (millions of rows), where a printf
   * per row costs more than the number formatting itself. */
  capacity = sizeof header + (gsize) series->n_bins * (10 + 1 + RB_NUMBER_BUF_SIZE + 1);
  buf = g_malloc (capacity);
  memcpy (buf, header, sizeof header - 1);
  p = buf + sizeof header - 1;
  for (guint i = 0; i < series->n_bins; i++)
    {
      p += format_uint (i, p);
      *p++ = ',';
      if (!rb_series_is_missing (series, i))
        p += rb_number_format (series->values[i], p);
      *p++ = '\n';
    }
  return g_bytes_new_take (g_realloc (buf, (gsize) (p - buf)), (gsize) (p - buf));
}

/* }}} */

/* Reader {{{ */

typedef enum
{
  FORMAT_NONE,        /* header not seen yet */
  FORMAT_BIN_VALUE,   /* bin_index,value  or  t,value */
  FORMAT_CLASSES,     /* bin_index,classId,value */
} Format;

typedef struct
{
  const char *name;
  guint64     line_no;
  Format      format;
  guint       n_columns;
  GArray     *values;    /* double */
  GByteArray *missing;
  gboolean    any_missing;
} Reader;

static void
reader_init (Reader     *reader,
             const char *display_name)
{
  memset (reader, 0, sizeof *reader);
  reader->name = display_name != NULL ? display_name : "series";
  reader->values = g_array_new (FALSE, FALSE, sizeof (double));
  reader->missing = g_byte_array_new ();
}

static void
reader_clear (Reader *reader)
{
  g_clear_pointer (&reader->values, g_array_unref);
  g_clear_pointer (&reader->missing, g_byte_array_unref);
}

/* A short, valid-UTF-8 quotation of file text for a message. */
static char *
shown (const char *text,
       gsize       len)
{
  g_autofree char *valid = NULL;

  if (len > MAX_SHOWN)
    {
      valid = g_utf8_make_valid (text, MAX_SHOWN);
      return g_strconcat (valid, "…", NULL);
    }
  return g_utf8_make_valid (text, len);
}

static void
trim (const char **text,
      gsize       *len)
{
  while (*len > 0 && g_ascii_isspace ((*text)[0]))
    {
      (*text)++;
      (*len)--;
    }
  while (*len > 0 && g_ascii_isspace ((*text)[*len - 1]))
    (*len)--;
}

static gboolean
field_is (const char *text,
          gsize       len,
          const char *word)
{
  trim (&text, &len);
  return len == strlen (word) && g_ascii_strncasecmp (text, word, len) == 0;
}

/* Splits @line at commas into at most @max fields; returns the real count. */
static guint
split_fields (const char  *line,
              gsize        len,
              const char **starts,
              gsize       *lens,
              guint        max)
{
  guint count = 0;
  gsize start = 0;

  for (gsize i = 0; i <= len; i++)
    {
      if (i == len || line[i] == ',')
        {
          if (count < max)
            {
              starts[count] = line + start;
              lens[count] = i - start;
            }
          count++;
          start = i + 1;
        }
    }
  return count;
}

static gboolean
reader_header (Reader      *reader,
               const char  *line,
               gsize        len,
               GError     **error)
{
  const char *starts[3];
  gsize lens[3];
  guint count = split_fields (line, len, starts, lens, 3);

  if (count == 2 &&
      (field_is (starts[0], lens[0], "bin_index") || field_is (starts[0], lens[0], "t")) &&
      field_is (starts[1], lens[1], "value"))
    {
      reader->format = FORMAT_BIN_VALUE;
      reader->n_columns = 2;
      return TRUE;
    }
  if (count == 3 &&
      field_is (starts[0], lens[0], "bin_index") &&
      field_is (starts[1], lens[1], "classId") &&
      field_is (starts[2], lens[2], "value"))
    {
      reader->format = FORMAT_CLASSES;
      reader->n_columns = 3;
      return TRUE;
    }

  {
    g_autofree char *found = shown (line, len);

    g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                 "%s line 1: the header must be \"bin_index,value\" (found \"%s\")",
                 reader->name, found);
  }
  return FALSE;
}

static gboolean
parse_index (const char *text,
             gsize       len,
             guint64    *index)
{
  guint64 value = 0;

  trim (&text, &len);
  if (len == 0 || len > 10)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      value = value * 10 + (guint64) (text[i] - '0');
    }
  *index = value;
  return TRUE;
}

static gboolean
reader_row (Reader      *reader,
            const char  *line,
            gsize        len,
            GError     **error)
{
  const char *starts[3];
  gsize lens[3];
  guint count = split_fields (line, len, starts, lens, 3);
  const char *value_text;
  gsize value_len;
  guint64 index;
  guint64 expected = reader->values->len;
  double value = NAN;
  guint8 missing = 0;

  if (count != reader->n_columns)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                   "%s line %" G_GUINT64_FORMAT ": expected %u columns, found %u",
                   reader->name, reader->line_no, reader->n_columns, count);
      return FALSE;
    }

  if (reader->format == FORMAT_CLASSES)
    {
      const char *class_text = starts[1];
      gsize class_len = lens[1];

      trim (&class_text, &class_len);
      /* DEFAULT rows (or rows without a class) are the totals. */
      if (class_len != 0 && !(class_len == 7 && memcmp (class_text, "DEFAULT", 7) == 0))
        return TRUE;
    }

  if (!parse_index (starts[0], lens[0], &index))
    {
      g_autofree char *found = shown (starts[0], lens[0]);

      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                   "%s line %" G_GUINT64_FORMAT ": bin index \"%s\" is not a whole number",
                   reader->name, reader->line_no, found);
      return FALSE;
    }
  if (index < expected)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                   "%s line %" G_GUINT64_FORMAT ": bin index %" G_GUINT64_FORMAT " appears twice",
                   reader->name, reader->line_no, index);
      return FALSE;
    }
  if (index > expected)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                   "%s line %" G_GUINT64_FORMAT ": expected bin index %" G_GUINT64_FORMAT
                   ", found %" G_GUINT64_FORMAT,
                   reader->name, reader->line_no, expected, index);
      return FALSE;
    }
  if (expected >= G_MAXUINT)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                   "%s line %" G_GUINT64_FORMAT ": too many bins",
                   reader->name, reader->line_no);
      return FALSE;
    }

  value_text = starts[reader->n_columns - 1];
  value_len = lens[reader->n_columns - 1];
  trim (&value_text, &value_len);
  if (value_len == 0)
    {
      missing = 1;
      reader->any_missing = TRUE;
    }
  else if (!rb_number_parse (value_text, value_len, &value))
    {
      g_autofree char *found = shown (value_text, value_len);

      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                   "%s line %" G_GUINT64_FORMAT ": \"%s\" is not a number",
                   reader->name, reader->line_no, found);
      return FALSE;
    }

  g_array_append_val (reader->values, value);
  g_byte_array_append (reader->missing, &missing, 1);
  return TRUE;
}

static void
set_line_too_long (Reader  *reader,
                   GError **error)
{
  g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
               "%s line %" G_GUINT64_FORMAT " is longer than 1 MiB",
               reader->name, reader->line_no);
}

/* One line without its LF. */
static gboolean
reader_line (Reader      *reader,
             const char  *line,
             gsize        len,
             GError     **error)
{
  reader->line_no++;

  if (len > 0 && line[len - 1] == '\r')
    len--;
  if (len > MAX_LINE_LEN)
    {
      set_line_too_long (reader, error);
      return FALSE;
    }

  if (reader->format == FORMAT_NONE)
    {
      if (len >= 3 && memcmp (line, "\xef\xbb\xbf", 3) == 0)
        {
          line += 3;
          len -= 3;
        }
      return reader_header (reader, line, len, error);
    }

  /* Blank lines (a trailing one, say) carry nothing. */
  {
    const char *t = line;
    gsize l = len;

    trim (&t, &l);
    if (l == 0)
      return TRUE;
  }
  return reader_row (reader, line, len, error);
}

static RbSeries *
reader_finish (Reader  *reader,
               GError **error)
{
  RbSeries *series;
  guint n;

  if (reader->format == FORMAT_NONE)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                   "%s is empty", reader->name);
      return NULL;
    }

  n = reader->values->len;
  series = rb_series_new_from ((const double *) (gpointer) reader->values->data, n);
  if (reader->any_missing)
    {
      series->missing = g_memdup2 (reader->missing->data, n);
      for (guint i = 0; i < n; i++)
        {
          if (series->missing[i])
            series->values[i] = NAN;
        }
    }
  return series;
}

RbSeries *
rb_series_parse_csv (const char  *data,
                     gsize        length,
                     const char  *display_name,
                     GError     **error)
{
  Reader reader;
  RbSeries *series = NULL;
  gsize pos = 0;

  g_return_val_if_fail (data != NULL || length == 0, NULL);

  reader_init (&reader, display_name);
  while (pos < length)
    {
      const char *nl = memchr (data + pos, '\n', length - pos);
      gsize end = nl != NULL ? (gsize) (nl - data) : length;

      if (!reader_line (&reader, data + pos, end - pos, error))
        goto out;
      pos = end + 1;
    }
  series = reader_finish (&reader, error);

out:
  reader_clear (&reader);
  return series;
}

RbSeries *
rb_series_read_csv (const char  *path,
                    const char  *display_name,
                    GError     **error)
{
  g_autoptr(GString) pending = NULL;
  g_autofree char *buf = NULL;
  RbSeries *series = NULL;
  Reader reader;
  struct stat st;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  reader_init (&reader, display_name);

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT || saved_errno == ENOTDIR)
        g_set_error (error, RB_ERROR, RB_ERROR_NOT_FOUND, "%s is missing", reader.name);
      else
        g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL, "%s could not be read: %s",
                     reader.name, g_strerror (saved_errno));
      goto out;
    }
  if (fstat (fd, &st) != 0 || !S_ISREG (st.st_mode))
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                   "%s is not a regular file", reader.name);
      goto out;
    }
  if (st.st_size > MAX_FILE_SIZE)
    {
      g_set_error (error, RB_ERROR, RB_ERROR_INVALID_REQUEST,
                   "%s is larger than 512 MiB", reader.name);
      goto out;
    }

  buf = g_malloc (READ_CHUNK);
  pending = g_string_new (NULL);
  for (;;)
    {
      gssize n = read (fd, buf, READ_CHUNK);
      gsize pos = 0;

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL, "%s could not be read: %s",
                       reader.name, g_strerror (saved_errno));
          goto out;
        }
      if (n == 0)
        break;

      while (pos < (gsize) n)
        {
          const char *nl = memchr (buf + pos, '\n', n - pos);
          gsize end = nl != NULL ? (gsize) (nl - buf) : (gsize) n;

          if (nl == NULL)
            {
              /* A partial line: keep at most one line's worth (+ CR). */
              if (pending->len + (end - pos) > MAX_LINE_LEN + 1)
                {
                  reader.line_no++;
                  set_line_too_long (&reader, error);
                  goto out;
                }
              g_string_append_len (pending, buf + pos, end - pos);
              break;
            }

          if (pending->len > 0)
            {
              if (pending->len + (end - pos) > MAX_LINE_LEN + 1)
                {
                  reader.line_no++;
                  set_line_too_long (&reader, error);
                  goto out;
                }
              g_string_append_len (pending, buf + pos, end - pos);
              if (!reader_line (&reader, pending->str, pending->len, error))
                goto out;
              g_string_truncate (pending, 0);
            }
          else if (!reader_line (&reader, buf + pos, end - pos, error))
            goto out;
          pos = end + 1;
        }
    }

  if (pending->len > 0 && !reader_line (&reader, pending->str, pending->len, error))
    goto out;
  series = reader_finish (&reader, error);

out:
  if (fd >= 0)
    close (fd);
  reader_clear (&reader);
  return series;
}

/* }}} */
