/* test-hash.c — sha256 hash strings
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "rb-error.h"
#include "rb-hash.h"
#include "rb-test-util.h"

#define EMPTY_HEX "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
#define ABC_HEX   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"

static void
test_known_values (void)
{
  g_autofree char *empty = rb_hash_data ("", 0);
  g_autofree char *abc = rb_hash_string ("abc");
  g_autoptr(GBytes) bytes = g_bytes_new_static ("abc", 3);
  g_autofree char *from_bytes = rb_hash_bytes (bytes);
  g_autofree char *with_nul = rb_hash_data ("a\0b", 3);

  g_assert_cmpstr (empty, ==, "sha256:" EMPTY_HEX);
  g_assert_cmpstr (abc, ==, "sha256:" ABC_HEX);
  g_assert_cmpstr (from_bytes, ==, "sha256:" ABC_HEX);
  g_assert_cmpuint (strlen (with_nul), ==, 7 + 64);
  g_assert_cmpstr (with_nul, !=, abc);
}

static void
test_file (void)
{
  g_autofree char *dir = rb_test_make_temp_dir ();
  g_autofree char *path = g_build_filename (dir, "model.yaml", NULL);
  g_autofree char *missing = g_build_filename (dir, "nope.yaml", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *big_hash = NULL;
  g_autofree char *big_file_hash = NULL;
  GString *big = g_string_new (NULL);

  rb_test_write_file (path, "abc", -1);
  hash = rb_hash_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (hash, ==, "sha256:" ABC_HEX);

  /* Larger than one read chunk. */
  for (guint i = 0; i < 50000; i++)
    g_string_append_printf (big, "%u,", i);
  rb_test_write_file (path, big->str, big->len);
  big_hash = rb_hash_data (big->str, big->len);
  big_file_hash = rb_hash_file (path, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (big_file_hash, ==, big_hash);
  g_string_free (big, TRUE);

  g_assert_null (rb_hash_file (missing, &error));
  g_assert_error (error, RB_ERROR, RB_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "nope.yaml is missing");

  rb_test_remove_tree (dir);
}

static void
test_equal (void)
{
  g_autofree char *upper = g_ascii_strup (ABC_HEX, -1);

  g_assert_true (rb_hash_equal ("sha256:" ABC_HEX, "sha256:" ABC_HEX));
  g_assert_true (rb_hash_equal (ABC_HEX, "sha256:" ABC_HEX));
  g_assert_true (rb_hash_equal ("sha256:" ABC_HEX, ABC_HEX));
  g_assert_true (rb_hash_equal (upper, "sha256:" ABC_HEX));
  g_assert_true (rb_hash_equal ("SHA256:" ABC_HEX, ABC_HEX));

  g_assert_false (rb_hash_equal ("sha256:" ABC_HEX, "sha256:" EMPTY_HEX));
  g_assert_false (rb_hash_equal (NULL, ABC_HEX));
  g_assert_false (rb_hash_equal (ABC_HEX, NULL));
  g_assert_false (rb_hash_equal ("", ""));
  g_assert_false (rb_hash_equal ("sha256:", "sha256:"));
  g_assert_false (rb_hash_equal ("sha256:abc", "sha256:abc"));
  g_assert_false (rb_hash_equal ("md5:" ABC_HEX, ABC_HEX));
  g_assert_false (rb_hash_equal ("sha256:" ABC_HEX "00", "sha256:" ABC_HEX "00"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/hash/known-values", test_known_values);
  g_test_add_func ("/hash/file", test_file);
  g_test_add_func ("/hash/equal", test_equal);

  return g_test_run ();
}
