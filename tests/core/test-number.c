/* test-number.c — rb_number_format / rb_number_parse: golden strings, the
 * accepted and rejected forms, and the round-trip and shortest properties
 * over millions of doubles.
 *
 * RB_TEST_NUMBER_ITERATIONS sets the round-trip count (default 10 000 000).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <float.h>
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rb-number.h"
#include "rb-test-util.h"

static guint64 rng_state;

static guint64
next_u64 (void)
{
  /* splitmix64, seeded from g_test's seed so --seed reproduces a run */
  guint64 z = (rng_state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static void
seed_rng (void)
{
  rng_state = ((guint64) g_test_rand_int () << 32) | (guint32) g_test_rand_int ();
}

static guint64
bits_of (double v)
{
  guint64 b;

  memcpy (&b, &v, sizeof b);
  return b;
}

static double
double_of (guint64 b)
{
  double v;

  memcpy (&v, &b, sizeof v);
  return v;
}

static guint64
iterations (void)
{
  const char *env = g_getenv ("RB_TEST_NUMBER_ITERATIONS");

  if (env != NULL && *env != '\0')
    return g_ascii_strtoull (env, NULL, 10);
  return 10000000;
}

/*
 * Golden strings
 */

static void
test_format_golden (void)
{
  static const struct { double value; const char *text; } cases[] = {
    { 0.0, "0" },
    { -0.0, "-0" },
    { 1.0, "1" },
    { -1.0, "-1" },
    { 0.1, "0.1" },
    { 0.3, "0.3" },
    { 0.1 + 0.2, "0.30000000000000004" },
    { 1.0 / 3.0, "0.3333333333333333" },
    { 2.0 / 3.0, "0.6666666666666666" },
    { 12.5, "12.5" },
    { -12.5, "-12.5" },
    { 100.0, "100" },
    { 123456.789, "123456.789" },
    { 1e14, "100000000000000" },
    { 999999999999999.0, "999999999999999" },
    { 123456789012345.6, "123456789012345.6" },
    { 1e15, "1E+15" },
    { -1e15, "-1E+15" },
    { 1234567890123456.7, "1.2345678901234568E+15" },
    { 1e16, "1E+16" },
    { 9007199254740992.0, "9.007199254740992E+15" },   /* 2^53 */
    { 123456789012345680000.0, "1.2345678901234568E+20" },
    { 1e21, "1E+21" },
    { 1e22, "1E+22" },
    { 1e23, "1E+23" },
    { 1e100, "1E+100" },
    { 1.5e300, "1.5E+300" },
    { 0.0001, "0.0001" },
    { 0.0001234, "0.0001234" },
    { -0.00099, "-0.00099" },
    { 1e-5, "1E-05" },
    { 1.5e-5, "1.5E-05" },
    { 1.234e-5, "1.234E-05" },
    { 9.5367431640625e-07, "9.5367431640625E-07" },
    { -1e-300, "-1E-300" },
    { DBL_MAX, "1.7976931348623157E+308" },
    { -DBL_MAX, "-1.7976931348623157E+308" },
    { DBL_MIN, "2.2250738585072014E-308" },
    { -DBL_MIN, "-2.2250738585072014E-308" },
    { 2.2250738585072009e-308, "2.225073858507201E-308" },   /* largest subnormal */
    { 4.9406564584124654e-324, "5E-324" },
    { -4.9406564584124654e-324, "-5E-324" },
    { 0.1 + 0.7, "0.7999999999999999" },
    { 4.35, "4.35" },
    { 1e-4 + 1e-20, "0.00010000000000000002" },
  };
  char buf[RB_NUMBER_BUF_SIZE];
  guint i;

  for (i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gsize len = rb_number_format (cases[i].value, buf);

      g_assert_cmpstr (buf, ==, cases[i].text);
      g_assert_cmpuint (len, ==, strlen (cases[i].text));
    }

  g_assert_cmpuint (rb_number_format (NAN, buf), ==, 3);
  g_assert_cmpstr (buf, ==, "NaN");
  rb_number_format (-NAN, buf);
  g_assert_cmpstr (buf, ==, "NaN");
  g_assert_cmpuint (rb_number_format (INFINITY, buf), ==, 8);
  g_assert_cmpstr (buf, ==, "Infinity");
  g_assert_cmpuint (rb_number_format (-INFINITY, buf), ==, 9);
  g_assert_cmpstr (buf, ==, "-Infinity");
}

static void
test_append (void)
{
  g_autoptr(GString) str = g_string_new ("v=");

  rb_number_append (str, 12.5);
  g_string_append_c (str, ',');
  rb_number_append (str, -0.0);
  g_string_append_c (str, ',');
  rb_number_append (str, 1e-5);
  g_string_append_c (str, ',');
  rb_number_append (str, -INFINITY);
  g_assert_cmpstr (str->str, ==, "v=12.5,-0,1E-05,-Infinity");
}

/*
 * Parsing
 */

static void
assert_parses (const char *text,
               double      expected)
{
  double value = 12345.0;

  if (!rb_number_parse (text, strlen (text), &value))
    g_error ("\"%s\" was rejected", text);
  if (isnan (expected))
    g_assert_true (isnan (value));
  else if (bits_of (value) != bits_of (expected))
    g_error ("\"%s\" parsed as %.17g, expected %.17g", text, value, expected);
}

static void
assert_rejects (const char *text,
                gsize       len)
{
  double value = 12345.0;

  if (rb_number_parse (text, len, &value) != FALSE)
    g_error ("\"%.*s\" was accepted as %.17g", (int) len, text, value);
  g_assert_cmpfloat (value, ==, 12345.0);
}

static void
test_parse_accepts (void)
{
  g_autofree char *zeros_399 = g_strnfill (399, '0');
  g_autofree char *zeros_1000 = g_strnfill (1000, '0');
  g_autofree char *long_zeros = NULL;
  g_autofree char *tiny_one = NULL;
  double value = 0;

  assert_parses ("0", 0.0);
  assert_parses ("-0", -0.0);
  assert_parses ("+0", 0.0);
  assert_parses ("0.000", 0.0);
  assert_parses ("-0e-999999", -0.0);
  assert_parses ("0e99999999999999999999", 0.0);
  assert_parses ("1", 1.0);
  assert_parses ("+1", 1.0);
  assert_parses ("-1", -1.0);
  assert_parses ("007", 7.0);
  assert_parses (".5", 0.5);
  assert_parses ("-.5", -0.5);
  assert_parses ("5.", 5.0);
  assert_parses ("5.e1", 50.0);
  assert_parses ("1e5", 1e5);
  assert_parses ("1E+05", 1e5);
  assert_parses ("1e-05", 1e-5);
  assert_parses ("1E-05", 1e-5);
  assert_parses ("-1.5E-05", -1.5e-5);
  assert_parses ("12.5", 12.5);
  assert_parses ("0.1", 0.1);
  assert_parses ("0.3", 0.3);
  assert_parses ("0.30000000000000004", 0.1 + 0.2);
  assert_parses ("100000000000000", 1e14);
  assert_parses ("1E+15", 1e15);
  assert_parses ("123456789012345680000", 123456789012345680000.0);
  assert_parses ("1.2345678901234568E+20", 123456789012345680000.0);
  assert_parses ("1E+23", 1e23);
  assert_parses ("1e30", 1e30);
  assert_parses ("1000000000000000000000000000000", 1e30);
  assert_parses ("123e30", 123e30);
  assert_parses ("1.7976931348623157E+308", DBL_MAX);
  assert_parses ("2.2250738585072014E-308", DBL_MIN);
  assert_parses ("5E-324", 4.9406564584124654e-324);
  assert_parses ("4.9406564584124654e-324", 4.9406564584124654e-324);
  assert_parses ("0.1000000000000000055511151231257827021181583404541015625", 0.1);

  /* ties and near-ties go to the right side */
  assert_parses ("9007199254740993", 9007199254740992.0);   /* 2^53 + 1: to even */
  assert_parses ("9007199254740993.000000000000000000001", 9007199254740994.0);
  assert_parses ("9007199254740995", 9007199254740996.0);
  assert_parses ("2.4703282292062327e-324", 0.0);
  assert_parses ("2.4703282292062328e-324", 4.9406564584124654e-324);
  assert_parses ("1.7976931348623158e308", DBL_MAX);
  assert_parses ("1.7976931348623159e308", INFINITY);

  /* out of range, as strtod */
  assert_parses ("1e400", INFINITY);
  assert_parses ("-1e400", -INFINITY);
  assert_parses ("1e99999999999999999999", INFINITY);
  assert_parses ("1e-400", 0.0);
  assert_parses ("-1e-99999999999999999999", -0.0);

  /* long inputs: 400 leading zeros and a thousand digits */
  long_zeros = g_strconcat ("0.", zeros_399, "1e400", NULL);
  assert_parses (long_zeros, 1.0);
  tiny_one = g_strconcat ("1", zeros_1000, "e-1000", NULL);
  assert_parses (tiny_one, 1.0);

  /* the special values, as we write them and as strtod reads them */
  assert_parses ("NaN", NAN);
  assert_parses ("nan", NAN);
  assert_parses ("-NaN", NAN);
  assert_parses ("NAN(123_abc)", NAN);
  assert_parses ("nan()", NAN);
  assert_parses ("Infinity", INFINITY);
  assert_parses ("-Infinity", -INFINITY);
  assert_parses ("+Infinity", INFINITY);
  assert_parses ("infinity", INFINITY);
  assert_parses ("INF", INFINITY);
  assert_parses ("-inf", -INFINITY);

  /* hexadecimal floats (strtod accepts them in the C locale) */
  assert_parses ("0x1.8p3", 12.0);
  assert_parses ("0X10", 16.0);
  assert_parses ("-0x1p-2", -0.25);
  assert_parses ("0x1.fffffffffffffp1023", DBL_MAX);

  /* only [text, text + len) is read */
  g_assert_true (rb_number_parse ("123456", 3, &value));
  g_assert_cmpfloat (value, ==, 123.0);
  g_assert_true (rb_number_parse ("1.5,2", 3, &value));
  g_assert_cmpfloat (value, ==, 1.5);
  g_assert_true (rb_number_parse ("0x10zz", 4, &value));
  g_assert_cmpfloat (value, ==, 16.0);
}

static void
test_parse_rejects (void)
{
  static const char * const texts[] = {
    "", " ", "+", "-", ".", "-.", "+-1", "--1", " 1", "1 ", "\t1", "1\n",
    "1,5", "1.2.3", "e5", ".e5", "1e", "1e+", "1E-", "1e5.5", "1e 5",
    "1x", "12abc", "0x", "0xg", "00x1", "1.0x1", "0x1p", "x1",
    "NaN ", "na", "nanx", "nan(", "nan(1 2)", "nan)", "in", "infin", "infinityy", "Infinity!",
    "--Infinity", "+-Infinity", "- 1", "1_000", "１",
  };
  guint i;

  for (i = 0; i < G_N_ELEMENTS (texts); i++)
    assert_rejects (texts[i], strlen (texts[i]));

  assert_rejects ("1\0", 2);
  assert_rejects ("\0" "1", 2);
  assert_rejects ("0x1\0", 4);
  assert_rejects ("12", 0);
}

static void
test_parse_locale_independent (void)
{
  static const char * const locales[] = { "de_DE.UTF-8", "fr_FR.UTF-8", "ru_RU.UTF-8" };
  const char *found = NULL;
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));
  guint i;
  double value = 0;
  char buf[RB_NUMBER_BUF_SIZE];

  for (i = 0; i < G_N_ELEMENTS (locales) && found == NULL; i++)
    if (setlocale (LC_ALL, locales[i]) != NULL)
      found = locales[i];

  /* whatever locale is active, "." is the point and "," is junk */
  g_assert_true (rb_number_parse ("1.5", 3, &value));
  g_assert_cmpfloat (value, ==, 1.5);
  g_assert_false (rb_number_parse ("1,5", 3, &value));
  g_assert_true (rb_number_parse ("0x1.8p1", 7, &value));
  g_assert_cmpfloat (value, ==, 3.0);
  rb_number_format (-1234.5, buf);
  g_assert_cmpstr (buf, ==, "-1234.5");

  setlocale (LC_ALL, saved);
  if (found == NULL)
    g_test_message ("no comma-decimal locale installed; checked the C locale only");
}

/* Random decimal strings of every shape against strtod in the C locale
 * (glibc rounds correctly): fast path, slow path and the border between. */
static void
test_parse_against_strtod (void)
{
  guint64 n = MAX (iterations () / 20, 1000);
  guint64 i;
  GString *text = g_string_new (NULL);

  seed_rng ();
  for (i = 0; i < n; i++)
    {
      guint64 r = next_u64 ();
      /* half of them 15–20 digits: the 64-bit fast path and its edges */
      int n_digits = ((r >> 50) & 1) ? 15 + (int) (r % 6) : 1 + (int) (r % 40);
      int point = (int) ((r >> 8) % (n_digits + 1));
      int exponent;
      double ours = 0, theirs;
      char *end = NULL;
      int k;

      /* exponents near zero more often: that is where the fast path lives */
      if ((r >> 20) & 1)
        exponent = (int) ((r >> 24) % 61) - 30;
      else
        exponent = (int) ((r >> 24) % 701) - 350;

      g_string_truncate (text, 0);
      if ((r >> 40) & 1)
        g_string_append_c (text, '-');
      for (k = 0; k < n_digits; k++)
        {
          guint64 d = next_u64 ();

          if (k == point && ((r >> 41) & 1))
            g_string_append_c (text, '.');
          /* runs of 0s and 9s make the hard cases */
          g_string_append_c (text, (d & 3) == 0 ? '0' : (d & 3) == 1 ? '9' : (char) ('0' + (d >> 8) % 10));
        }
      if ((r >> 42) & 1)
        g_string_append_printf (text, "e%d", exponent);

      theirs = g_ascii_strtod (text->str, &end);
      g_assert_true (*end == '\0');
      if (!rb_number_parse (text->str, text->len, &ours))
        g_error ("\"%s\" was rejected", text->str);
      if (bits_of (ours) != bits_of (theirs))
        g_error ("\"%s\": ours %.17g, strtod %.17g", text->str, ours, theirs);
    }

  g_string_free (text, TRUE);
}

/* Integers between 2^53 and 10^19 that sit on, or next to, the half-way
 * point between two doubles: where a 64-bit intermediate could round twice. */
static void
test_parse_half_way (void)
{
  guint64 n = MAX (iterations () / 100, 1000);
  guint64 i;

  seed_rng ();
  for (i = 0; i < n; i++)
    {
      /* a double in [2^53, 10^19) and the distance to its upper neighbour */
      guint64 lo = (guint64) ldexp ((double) (next_u64 () >> 11), (int) (next_u64 () % 11));
      double d = (double) MAX (lo, G_GUINT64_CONSTANT (1) << 53);
      guint64 base;
      guint64 half;
      gint64 delta;

      if (d >= 1e19)
        d = 9.999e18;
      base = (guint64) d;
      half = ((guint64) nextafter (d, INFINITY) - base) / 2;

      for (delta = -2; delta <= 2; delta++)
        {
          char text[32];
          double ours = 0;
          double theirs;

          g_snprintf (text, sizeof text, "%" G_GUINT64_FORMAT, base + half + (guint64) delta);
          theirs = g_ascii_strtod (text, NULL);
          g_assert_true (rb_number_parse (text, strlen (text), &ours));
          if (bits_of (ours) != bits_of (theirs))
            g_error ("\"%s\": ours %.17g, strtod %.17g", text, ours, theirs);
        }
    }
}

/*
 * Properties: round trip, layout, shortest
 */

/* Checks the .NET "R" layout of @text and returns its significant digits
 * (no leading or trailing zeros) in @digits and the scientific exponent. */
static void
check_layout (const char *text,
              double      v,
              char       *digits,
              int        *n_digits,
              int        *sci_exponent)
{
  const char *p = text;
  const char *e;
  int n = 0;
  int exponent;

  if (*p == '-')
    p++;
  e = strchr (p, 'E');

  if (e != NULL)
    {
      /* d[.ddd]E±XX: non-zero first digit, no trailing zero, ≥ 2 exponent digits */
      const char *q;

      g_assert_true (p[0] >= '1' && p[0] <= '9');
      digits[n++] = p[0];
      if (p + 1 != e)
        {
          g_assert_true (p[1] == '.');
          g_assert_true (e > p + 2);
          g_assert_true (e[-1] != '0');
          for (q = p + 2; q < e; q++)
            {
              g_assert_true (g_ascii_isdigit (*q));
              digits[n++] = *q;
            }
        }
      g_assert_true (e[1] == '+' || e[1] == '-');
      g_assert_cmpuint (strlen (e + 2), >=, 2);
      g_assert_cmpuint (strlen (e + 2), <=, 3);
      g_assert_true (strlen (e + 2) == 2 || e[2] != '0');
      exponent = atoi (e + 1);
      g_assert_true (exponent >= 15 || exponent <= -5);
    }
  else
    {
      const char *dot = strchr (p, '.');
      const char *q;
      int int_len = dot != NULL ? (int) (dot - p) : (int) strlen (p);
      int first = -1;
      int pos = 0;

      g_assert_true (int_len >= 1);
      g_assert_true (int_len == 1 || p[0] != '0');
      if (dot != NULL)
        {
          g_assert_true (dot[1] != '\0');
          g_assert_true (p[strlen (p) - 1] != '0');
        }
      for (q = p; *q != '\0'; q++)
        {
          if (*q == '.')
            continue;
          g_assert_true (g_ascii_isdigit (*q));
          if (first < 0 && *q != '0')
            first = pos;
          if (first >= 0)
            digits[n++] = *q;
          pos++;
        }
      g_assert_true (first >= 0 || v == 0);
      exponent = int_len - 1 - first;
      while (n > 1 && digits[n - 1] == '0')
        n--;
      g_assert_true (exponent < 15 && exponent > -5);
    }

  digits[n] = '\0';
  *n_digits = n;
  *sci_exponent = exponent;
}

/* No decimal with fewer significant digits reads back as @v: it is enough
 * to try the two (n-1)-digit neighbours of the exact value, since any
 * shorter decimal is also an (n-1)-digit one. */
static void
check_shortest (double      v,
                const char *text,
                const char *digits,
                int         n_digits,
                int         sci_exponent)
{
  char exact[800];
  char candidate[64];
  char lower[32];
  int m = n_digits - 1;
  int k;
  int exp10;
  int exact_exponent;
  double a = fabs (v);

  if (m < 1)
    return;

  /* glibc prints doubles exactly; 770 digits is every digit a double has */
  g_snprintf (exact, sizeof exact, "%.770e", a);
  exact_exponent = atoi (strchr (exact, 'e') + 1);
  lower[0] = exact[0];
  for (k = 1; k < m; k++)
    lower[k] = exact[k + 1];   /* skip the '.' */
  lower[m] = '\0';
  exp10 = exact_exponent - (m - 1);

  /* floor: the first m digits of the exact value */
  g_snprintf (candidate, sizeof candidate, "%se%d", lower, exp10);
  if (g_ascii_strtod (candidate, NULL) == a)
    g_error ("%s is not shortest: %s reads back too", text, candidate);

  /* ceiling: one unit more in the last place (with carry) */
  for (k = m - 1; k >= 0; k--)
    {
      if (lower[k] == '9')
        {
          lower[k] = '0';
          continue;
        }
      lower[k]++;
      break;
    }
  if (k < 0)
    g_snprintf (candidate, sizeof candidate, "1%se%d", lower, exp10);
  else
    g_snprintf (candidate, sizeof candidate, "%se%d", lower, exp10);
  if (g_ascii_strtod (candidate, NULL) == a)
    g_error ("%s is not shortest: %s reads back too", text, candidate);

  (void) digits;
  (void) sci_exponent;
}

static double
random_value (guint64 i)
{
  guint64 r = next_u64 ();

  switch (i % 4)
    {
    case 0:
    case 1:
      {
        /* any bit pattern but NaN */
        double v = double_of (r);

        return isnan (v) ? double_of (r & G_GUINT64_CONSTANT (0xFFF0000000000000)) : v;
      }
    case 2:
      /* "decimal-ish": k/100, k/10^j */
      {
        static const double scales[] = { 1, 10, 100, 1000, 1e4, 1e6, 1e9, 1e-3, 1e17, 1e20 };
        double k = (double) (gint64) (r >> 20) - (double) (G_GINT64_CONSTANT (1) << 43);

        return (r & 1) ? k / 100.0 : k / scales[(r >> 1) % G_N_ELEMENTS (scales)];
      }
    default:
      /* small integers and uniform values in [0, 1000) */
      if (r & 1)
        return (double) ((gint64) (r >> 1) % 2000000 - 1000000);
      return (double) (r >> 11) * (1.0 / 9007199254740992.0) * 1000.0;
    }
}

static void
test_round_trip (void)
{
  guint64 n = iterations ();
  guint64 i;
  guint64 n_shortest = 0;
  gint64 start = g_get_monotonic_time ();

  seed_rng ();
  for (i = 0; i < n; i++)
    {
      double v = random_value (i);
      char buf[RB_NUMBER_BUF_SIZE];
      gsize len = rb_number_format (v, buf);
      double back = 0;

      g_assert_cmpuint (len, <, RB_NUMBER_BUF_SIZE);
      if (G_UNLIKELY (!rb_number_parse (buf, len, &back)))
        g_error ("format gave \"%s\" for %a and parse rejected it", buf, v);
      if (G_UNLIKELY (bits_of (back) != bits_of (v)))
        g_error ("%a → \"%s\" → %a", v, buf, back);

      /* the layout, strtod's agreement and shortness on a sample */
      if (i % 64 == 0 && !isinf (v))
        {
          char digits[32];
          int n_digits, sci_exponent;

          check_layout (buf, v, digits, &n_digits, &sci_exponent);
          g_assert_true (bits_of (g_ascii_strtod (buf, NULL)) == bits_of (v));
          if (v != 0)
            check_shortest (v, buf, digits, n_digits, sci_exponent);
          n_shortest++;
        }
    }

  g_test_message ("%" G_GUINT64_FORMAT " round trips (%" G_GUINT64_FORMAT
                  " checked for layout and shortness) in %.1f s",
                  n, n_shortest, (g_get_monotonic_time () - start) / 1e6);
}

/* Every power of two and its neighbours: the asymmetric gaps at binade
 * borders are where shortest algorithms go wrong. */
static void
test_round_trip_binade_borders (void)
{
  int e;

  for (e = -1074; e <= 1023; e++)
    {
      double p = ldexp (1.0, e);
      double around[] = { p, nextafter (p, 0), nextafter (p, INFINITY), -p };
      guint k;

      for (k = 0; k < G_N_ELEMENTS (around); k++)
        {
          char buf[RB_NUMBER_BUF_SIZE];
          char digits[32];
          int n_digits, sci_exponent;
          gsize len = rb_number_format (around[k], buf);
          double back = 0;

          g_assert_true (rb_number_parse (buf, len, &back));
          g_assert_true (bits_of (back) == bits_of (around[k]));
          check_layout (buf, around[k], digits, &n_digits, &sci_exponent);
          check_shortest (around[k], buf, digits, n_digits, sci_exponent);
        }
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/number/format/golden", test_format_golden);
  g_test_add_func ("/number/format/append", test_append);
  g_test_add_func ("/number/parse/accepts", test_parse_accepts);
  g_test_add_func ("/number/parse/rejects", test_parse_rejects);
  g_test_add_func ("/number/parse/locale-independent", test_parse_locale_independent);
  g_test_add_func ("/number/parse/against-strtod", test_parse_against_strtod);
  g_test_add_func ("/number/parse/half-way", test_parse_half_way);
  g_test_add_func ("/number/round-trip/binade-borders", test_round_trip_binade_borders);
  g_test_add_func ("/number/round-trip/random", test_round_trip);

  return g_test_run ();
}
