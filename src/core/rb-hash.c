/* rb-hash.c — "sha256:<64 lower-case hex>" hashes (formats.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-hash"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "rb-error.h"
#include "rb-hash.h"

#define PREFIX "sha256:"
#define HEX_LEN 64

static char *
finish (GChecksum *checksum)
{
  return g_strconcat (PREFIX, g_checksum_get_string (checksum), NULL);
}

char *
rb_hash_data (const void *data,
              gsize       len)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  const guchar *p = data;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  /* g_checksum_update takes a gssize length. */
  while (len > 0)
    {
      gsize chunk = MIN (len, (gsize) G_MAXSSIZE);

      g_checksum_update (checksum, p, chunk);
      p += chunk;
      len -= chunk;
    }
  return finish (checksum);
}

char *
rb_hash_bytes (GBytes *bytes)
{
  gsize len = 0;
  const void *data;

  g_return_val_if_fail (bytes != NULL, NULL);

  data = g_bytes_get_data (bytes, &len);
  return rb_hash_data (data != NULL ? data : "", len);
}

char *
rb_hash_string (const char *str)
{
  g_return_val_if_fail (str != NULL, NULL);

  return rb_hash_data (str, strlen (str));
}

char *
rb_hash_file (const char  *path,
              GError     **error)
{
  g_autoptr(GChecksum) checksum = NULL;
  g_autofree char *name = NULL;
  g_autofree guchar *buf = NULL;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  name = g_path_get_basename (path);
  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int saved_errno = errno;

      if (saved_errno == ENOENT || saved_errno == ENOTDIR)
        g_set_error (error, RB_ERROR, RB_ERROR_NOT_FOUND, "%s is missing", name);
      else
        g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL,
                     "%s could not be read: %s", name, g_strerror (saved_errno));
      return NULL;
    }

  checksum = g_checksum_new (G_CHECKSUM_SHA256);
  buf = g_malloc (64 * 1024);
  for (;;)
    {
      gssize n = read (fd, buf, 64 * 1024);

      if (n < 0)
        {
          int saved_errno = errno;

          if (saved_errno == EINTR)
            continue;
          close (fd);
          g_set_error (error, RB_ERROR, RB_ERROR_INTERNAL,
                       "%s could not be read: %s", name, g_strerror (saved_errno));
          return NULL;
        }
      if (n == 0)
        break;
      g_checksum_update (checksum, buf, n);
    }
  close (fd);
  return finish (checksum);
}

/* The 64 hex digits of @hash (with or without the prefix), or NULL. */
static const char *
hex_part (const char *hash)
{
  if (hash == NULL)
    return NULL;
  if (g_ascii_strncasecmp (hash, PREFIX, strlen (PREFIX)) == 0)
    hash += strlen (PREFIX);
  if (strlen (hash) != HEX_LEN)
    return NULL;
  for (guint i = 0; i < HEX_LEN; i++)
    {
      if (!g_ascii_isxdigit (hash[i]))
        return NULL;
    }
  return hash;
}

gboolean
rb_hash_equal (const char *a,
               const char *b)
{
  const char *hex_a = hex_part (a);
  const char *hex_b = hex_part (b);

  if (hex_a == NULL || hex_b == NULL)
    return FALSE;
  return g_ascii_strncasecmp (hex_a, hex_b, HEX_LEN) == 0;
}
