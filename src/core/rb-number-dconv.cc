/* rb-number-dconv.cc — the two double-conversion entry points rb-number.c needs
 *
 * Kept to a C ABI so rb-number.c stays plain C; no GLib here.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <double-conversion/double-to-string.h>
#include <double-conversion/strtod.h>

using double_conversion::DoubleToStringConverter;
using double_conversion::Vector;

extern "C" int    rb_number_dconv_shortest (double value, char *digits, int digits_size, int *point);
extern "C" double rb_number_dconv_strtod   (const char *digits, int n_digits, int exponent);

/* Shortest digits (no sign, no trailing zeros) of finite, non-zero @value;
 * value = 0.DIGITS × 10^point. @digits_size must be at least 18. */
int
rb_number_dconv_shortest (double value, char *digits, int digits_size, int *point)
{
  bool sign;
  int length;

  DoubleToStringConverter::DoubleToAscii (value, DoubleToStringConverter::SHORTEST, 0,
                                          digits, digits_size, &sign, &length, point);
  return length;
}

/* Correctly rounded DIGITS × 10^exponent; DIGITS: 1–780 decimal digits, first not '0'. */
double
rb_number_dconv_strtod (const char *digits, int n_digits, int exponent)
{
  return double_conversion::Strtod (Vector<const char> (digits, n_digits), exponent);
}
