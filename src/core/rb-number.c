/* rb-number.c — shortest round-trip number formatting and a strict, fast parser
 *
 * Formatting: digits come from double-conversion's shortest mode (Grisu3 with
 * a bignum fallback, through rb-number-dconv.cc); the .NET "R" layout is done
 * here. Integers below 10^15 skip double-conversion entirely: their decimal
 * form is already the shortest one.
 *
 * Parsing: one pass in C checks the strtod grammar over the whole input and
 * gathers up to 19 significant digits. Clinger's fast path (an exact
 * significand times or divided by an exact power of ten) answers most real
 * data with a single rounding; everything else goes to double-conversion's
 * correctly rounded Strtod. Hexadecimal floats ("0x1.8p3"), which C-locale
 * strtod accepts, go to g_ascii_strtod (strtod_l in the C locale). No
 * locale is ever consulted for decimal input.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-number"

#include "config.h"

#include <float.h>
#include <math.h>
#include <string.h>

#include "rb-number.h"

/* rb-number-dconv.cc */
int    rb_number_dconv_shortest (double      value,
                                 char       *digits,
                                 int         digits_size,
                                 int        *point);
double rb_number_dconv_strtod   (const char *digits,
                                 int         n_digits,
                                 int         exponent);

/* Exact powers of ten as doubles (10^22 is the last one below 2^53 · 2^22). */
static const double exact_pow10[] = {
  1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
  1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
};

static const guint64 int_pow10[] = {
  G_GUINT64_CONSTANT (1),
  G_GUINT64_CONSTANT (10),
  G_GUINT64_CONSTANT (100),
  G_GUINT64_CONSTANT (1000),
  G_GUINT64_CONSTANT (10000),
  G_GUINT64_CONSTANT (100000),
  G_GUINT64_CONSTANT (1000000),
  G_GUINT64_CONSTANT (10000000),
  G_GUINT64_CONSTANT (100000000),
  G_GUINT64_CONSTANT (1000000000),
  G_GUINT64_CONSTANT (10000000000),
  G_GUINT64_CONSTANT (100000000000),
  G_GUINT64_CONSTANT (1000000000000),
  G_GUINT64_CONSTANT (10000000000000),
  G_GUINT64_CONSTANT (100000000000000),
  G_GUINT64_CONSTANT (1000000000000000),
};

#define MAX_FAST_DIGITS     19    /* 10^19 - 1 < 2^64 */
#define MAX_EXACT_INT       (G_GUINT64_CONSTANT (1) << 53)
#define DCONV_MAX_DIGITS    780   /* double-conversion's kMaxSignificantDecimalDigits */
#define EXPONENT_SATURATION 100000000

/*
 * Formatting
 */

/* Writes the decimal digits of @n (< 10^15) at @out; returns the count. */
static inline int
write_uint (guint64  n,
            char    *out)
{
  char tmp[20];
  int i = 0;
  int len;

  do
    {
      tmp[i++] = (char) ('0' + n % 10);
      n /= 10;
    }
  while (n != 0);

  len = i;
  while (i > 0)
    *out++ = tmp[--i];
  return len;
}

static inline char *
write_exponent (char *p,
                int   exponent)
{
  *p++ = 'E';
  if (exponent < 0)
    {
      *p++ = '-';
      exponent = -exponent;
    }
  else
    {
      *p++ = '+';
    }

  if (exponent >= 100)
    {
      *p++ = (char) ('0' + exponent / 100);
      exponent %= 100;
    }
  *p++ = (char) ('0' + exponent / 10);
  *p++ = (char) ('0' + exponent % 10);
  return p;
}

/**
 * rb_number_format:
 * @value: any double
 * @buf: (out caller-allocates): at least %RB_NUMBER_BUF_SIZE bytes
 *
 * Writes the shortest decimal that parses back to @value, in .NET Core 3.0
 * "R" layout ("12", "12.5", "0.0001", "1E-05", "1E+15", "-0", "NaN",
 * "Infinity", "-Infinity"), NUL-terminated.
 *
 * Returns: the length written, without the NUL
 */
gsize
rb_number_format (double  value,
                  char    buf[RB_NUMBER_BUF_SIZE])
{
  char digits[24];
  char *p = buf;
  double magnitude;
  int n_digits;
  int point;
  int exponent;

  if (G_UNLIKELY (isnan (value)))
    {
      memcpy (buf, "NaN", 4);
      return 3;
    }

  if (signbit (value))
    {
      *p++ = '-';
      magnitude = -value;
    }
  else
    {
      magnitude = value;
    }

  if (G_UNLIKELY (isinf (magnitude)))
    {
      memcpy (p, "Infinity", 9);
      return (gsize) (p - buf) + 8;
    }

  /* Integers below 10^15 (< 2^53, so every one is exact): the digits
   * themselves are the shortest form, and the layout is plain. */
  if (magnitude < 1e15 && magnitude == (double) (guint64) magnitude)
    {
      p += write_uint ((guint64) magnitude, p);
      *p = '\0';
      return (gsize) (p - buf);
    }

  n_digits = rb_number_dconv_shortest (magnitude, digits, (int) sizeof digits, &point);
  exponent = point - 1;   /* scientific exponent of the first digit */

  if (exponent >= 15 || exponent <= -5)
    {
      *p++ = digits[0];
      if (n_digits > 1)
        {
          *p++ = '.';
          memcpy (p, digits + 1, n_digits - 1);
          p += n_digits - 1;
        }
      p = write_exponent (p, exponent);
    }
  else if (point <= 0)
    {
      /* 0.000ddd: at most four zeros after the point here */
      *p++ = '0';
      *p++ = '.';
      memset (p, '0', -point);
      p += -point;
      memcpy (p, digits, n_digits);
      p += n_digits;
    }
  else if (point < n_digits)
    {
      memcpy (p, digits, point);
      p += point;
      *p++ = '.';
      memcpy (p, digits + point, n_digits - point);
      p += n_digits - point;
    }
  else
    {
      /* a whole number below 10^15: the integer path above takes those,
       * this is only the general layout for completeness */
      memcpy (p, digits, n_digits);
      p += n_digits;
      memset (p, '0', point - n_digits);
      p += point - n_digits;
    }

  *p = '\0';
  return (gsize) (p - buf);
}

/**
 * rb_number_append:
 * @str: a #GString
 * @value: any double
 *
 * Appends rb_number_format()'s text for @value to @str.
 */
void
rb_number_append (GString *str,
                  double   value)
{
  char buf[RB_NUMBER_BUF_SIZE];
  gsize len;

  g_return_if_fail (str != NULL);

  len = rb_number_format (value, buf);
  g_string_append_len (str, buf, (gssize) len);
}

/*
 * Parsing
 */

static inline gboolean
is_digit (char c)
{
  return (guint) (c - '0') < 10;
}

static inline char
ascii_lower (char c)
{
  return (c >= 'A' && c <= 'Z') ? (char) (c + ('a' - 'A')) : c;
}

/* Case-insensitive: does [p, end) equal the lower-case @word exactly? */
static gboolean
equals_word (const char *p,
             const char *end,
             const char *word)
{
  gsize n = strlen (word);
  gsize i;

  if ((gsize) (end - p) != n)
    return FALSE;
  for (i = 0; i < n; i++)
    if (ascii_lower (p[i]) != word[i])
      return FALSE;
  return TRUE;
}

/* "inf", "infinity", "nan" and "nan(chars)", after the sign, as strtod reads them. */
static gboolean
parse_special (const char *p,
               const char *end,
               gboolean    negative,
               double     *value)
{
  if (equals_word (p, end, "infinity") || equals_word (p, end, "inf"))
    {
      *value = negative ? -INFINITY : INFINITY;
      return TRUE;
    }

  if (end - p >= 3 &&
      ascii_lower (p[0]) == 'n' && ascii_lower (p[1]) == 'a' && ascii_lower (p[2]) == 'n')
    {
      const char *q = p + 3;

      if (q != end)
        {
          /* nan(n-char-sequence) */
          if (*q != '(' || end[-1] != ')')
            return FALSE;
          for (q++; q < end - 1; q++)
            if (!g_ascii_isalnum (*q) && *q != '_')
              return FALSE;
        }
      *value = negative ? -NAN : NAN;
      return TRUE;
    }

  return FALSE;
}

/* Hexadecimal floats: strtod in the C locale decides, on a NUL-terminated copy. */
static gboolean
parse_hex (const char *text,
           gsize       len,
           double     *value)
{
  char stack_buf[64];
  g_autofree char *heap_buf = NULL;
  char *copy = stack_buf;
  char *endptr = NULL;
  double result;

  if (len >= sizeof stack_buf)
    copy = heap_buf = g_malloc (len + 1);
  memcpy (copy, text, len);
  copy[len] = '\0';

  /* the caller checked there is no leading space and that the input starts
   * with [sign]0x; an embedded NUL stops strtod early and fails the check */
  result = g_ascii_strtod (copy, &endptr);
  if (endptr != copy + len)
    return FALSE;

  *value = result;
  return TRUE;
}

/* Exact D × 10^exponent when Clinger's conditions hold; FALSE otherwise. */
static inline gboolean
clinger (guint64  significand,
         gint64   exponent,
         double  *value)
{
  if (significand > MAX_EXACT_INT)
    return FALSE;

  if (exponent == 0)
    {
      *value = (double) significand;
      return TRUE;
    }
  if (exponent < 0)
    {
      if (exponent < -22)
        return FALSE;
      *value = (double) significand / exact_pow10[-exponent];
      return TRUE;
    }
  if (exponent <= 22)
    {
      *value = (double) significand * exact_pow10[exponent];
      return TRUE;
    }
  if (exponent <= 22 + 15)
    {
      /* 123e30: move the surplus into the significand while it stays exact */
      guint64 scale = int_pow10[exponent - 22];

      if (significand > MAX_EXACT_INT / scale)
        return FALSE;
      *value = (double) (significand * scale) * 1e22;
      return TRUE;
    }
  return FALSE;
}

#if (defined (__x86_64__) || defined (__i386__)) && LDBL_MANT_DIG == 64
#define HAVE_EXTENDED_FAST_PATH 1

/* Exact in the x87 format: 10^27 = 2^27 · 5^27 and 5^27 < 2^64. */
static const long double exact_pow10_l[] = {
  1e0L, 1e1L, 1e2L, 1e3L, 1e4L, 1e5L, 1e6L, 1e7L, 1e8L, 1e9L, 1e10L, 1e11L, 1e12L, 1e13L,
  1e14L, 1e15L, 1e16L, 1e17L, 1e18L, 1e19L, 1e20L, 1e21L, 1e22L, 1e23L, 1e24L, 1e25L,
  1e26L, 1e27L,
};

/* Valgrind runs x87 arithmetic in double precision; the extended path is
 * only sound with a real 64-bit significand, so ask the hardware once. */
static gboolean
extended_precision_works (void)
{
  static gsize checked = 0;
  static gboolean works = FALSE;

  if (g_once_init_enter (&checked))
    {
      volatile long double big = 18446744073709551615.0L;   /* 2^64 - 1 */
      volatile long double one = 1.0L;

      works = (big - (big - one) == one);
      g_once_init_leave (&checked, 1);
    }
  return works;
}

/* Clinger with a 64-bit significand: any D < 10^19 and 10^|e| with |e| ≤ 27
 * are exact x87 values, so D × 10^e or D / 10^-e is one correct rounding to
 * 64 bits. Rounding that again to 53 bits is only wrong when the 64-bit
 * result sits on a half-way point between two doubles, i.e. its 11 lowest
 * bits are 0x400; those few (and their neighbours, for margin) go slow.
 * Results stay between 10^-27 and 10^46: normal doubles, no subnormal
 * double rounding to worry about. */
static inline gboolean
extended_fast_path (guint64  significand,
                    gint64   exponent,
                    double  *value)
{
  long double r;
  guint64 mantissa;
  guint low;

  if (exponent < -27 || exponent > 27 || !extended_precision_works ())
    return FALSE;

  if (exponent < 0)
    r = (long double) significand / exact_pow10_l[-exponent];
  else
    r = (long double) significand * exact_pow10_l[exponent];

  memcpy (&mantissa, &r, sizeof mantissa);   /* x87: the significand's 64 bits first */
  low = (guint) (mantissa & 0x7FF);
  if (low >= 0x3FF && low <= 0x401)
    return FALSE;

  *value = (double) r;
  return TRUE;
}
#endif

/* Every significant digit of the mantissa (int_part ++ frac_part, leading
 * zeros dropped), cut the way double-conversion cuts them, then Strtod. */
static double
slow_path (const char *int_begin,
           const char *int_end,
           const char *frac_begin,
           const char *frac_end,
           gint64      exponent)
{
  char digits[DCONV_MAX_DIGITS + 1];
  gint64 n_sig = 0;
  int n_kept = 0;
  gboolean sticky = FALSE;
  const char *ranges[2][2] = { { int_begin, int_end }, { frac_begin, frac_end } };
  guint r;

  for (r = 0; r < G_N_ELEMENTS (ranges); r++)
    {
      const char *q;

      for (q = ranges[r][0]; q < ranges[r][1]; q++)
        {
          if (n_sig == 0 && *q == '0')
            continue;
          n_sig++;
          if (n_kept < DCONV_MAX_DIGITS - 1)
            digits[n_kept++] = *q;
          else if (*q != '0')
            sticky = TRUE;
        }
    }

  /* Beyond 779 digits only "is anything non-zero left" matters for rounding
   * (every double and every half-way point has at most 767 digits). */
  if (sticky)
    digits[n_kept++] = '1';
  exponent += n_sig - n_kept;

  /* Out of range either way: keep the int argument small and honest. */
  if (exponent + n_kept > 310)
    return INFINITY;
  if (exponent + n_kept < -330)
    return 0.0;

  return rb_number_dconv_strtod (digits, n_kept, (int) exponent);
}

/**
 * rb_number_parse:
 * @text: the characters to read (need not be NUL-terminated)
 * @len: how many bytes of @text to read
 * @value: (out): where the number goes; untouched on failure
 *
 * Parses all of [@text, @text + @len) as a number: our own output, and every
 * form strtod accepts in the C locale ("+1", ".5", "5.", "1e5", "1E+05",
 * "inf", "-Infinity", "nan", "NaN(123)", "0x1.8p3"), correctly rounded.
 * Decimal exponents out of range give ±Infinity or ±0 as strtod does.
 * No surrounding space, no trailing characters, no empty string.
 *
 * Returns: %TRUE if the whole text is one number
 */
gboolean
rb_number_parse (const char *text,
                 gsize       len,
                 double     *value)
{
  const char *p = text;
  const char *end = text + len;
  const char *int_begin, *int_end, *frac_begin, *frac_end;
  gboolean negative = FALSE;
  guint64 significand = 0;
  int n_fast = 0;          /* digits gathered in significand */
  gint64 dropped = 0;      /* significant digits after the first 19 */
  gboolean truncated = FALSE;
  gint64 frac_shift = 0;   /* minus the fraction digits gathered */
  gint64 exp_part = 0;     /* the written exponent, saturated */
  double result;

  g_return_val_if_fail (text != NULL || len == 0, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  if (len == 0)
    return FALSE;

  if (*p == '-' || *p == '+')
    {
      negative = (*p == '-');
      p++;
      if (p == end)
        return FALSE;
    }

  /* Mantissa: digits [. digits] or . digits */
  int_begin = p;
  while (p < end && is_digit (*p))
    {
      if (n_fast < MAX_FAST_DIGITS)
        {
          if (significand != 0 || *p != '0')
            {
              significand = significand * 10 + (guint64) (*p - '0');
              n_fast++;
            }
        }
      else
        {
          dropped++;
          truncated |= (*p != '0');
        }
      p++;
    }
  int_end = frac_begin = frac_end = p;

  if (p < end && *p == '.')
    {
      p++;
      frac_begin = p;
      while (p < end && is_digit (*p))
        {
          if (n_fast < MAX_FAST_DIGITS)
            {
              if (significand != 0 || *p != '0')
                {
                  significand = significand * 10 + (guint64) (*p - '0');
                  n_fast++;
                }
              frac_shift--;
            }
          else
            {
              truncated |= (*p != '0');
            }
          p++;
        }
      frac_end = p;
    }

  if (int_end == int_begin && frac_end == frac_begin)
    {
      /* no digits at all: a special value, a hex float, or junk */
      if (p != int_begin)
        return FALSE;    /* a lone "." */
      return parse_special (int_begin, end, negative, value);
    }

  if (G_UNLIKELY (int_end - int_begin == 1 && *int_begin == '0' && frac_begin == int_end &&
                  p < end && (*p == 'x' || *p == 'X')))
    return parse_hex (text, len, value);

  /* Exponent: e [sign] digits; strtod leaves a bare "e" unread, so it is junk here */
  if (p < end && (*p == 'e' || *p == 'E'))
    {
      gboolean exp_negative = FALSE;

      p++;
      if (p < end && (*p == '-' || *p == '+'))
        {
          exp_negative = (*p == '-');
          p++;
        }
      if (p == end || !is_digit (*p))
        return FALSE;
      while (p < end && is_digit (*p))
        {
          if (exp_part < EXPONENT_SATURATION)
            exp_part = exp_part * 10 + (*p - '0');
          p++;
        }
      if (exp_negative)
        exp_part = -exp_part;
    }

  if (p != end)
    return FALSE;

  if (significand == 0)
    {
      /* n_fast == 0: every digit was a zero */
      *value = negative ? -0.0 : 0.0;
      return TRUE;
    }

  if (truncated ||
      (!clinger (significand, exp_part + frac_shift + dropped, &result)
#ifdef HAVE_EXTENDED_FAST_PATH
       && !extended_fast_path (significand, exp_part + frac_shift + dropped, &result)
#endif
      ))
    {
      /* the slow path recounts every digit: value = MANTISSA × 10^(e - fraction digits) */
      result = slow_path (int_begin, int_end, frac_begin, frac_end,
                          exp_part - (frac_end - frac_begin));
    }

  *value = negative ? -result : result;
  return TRUE;
}
