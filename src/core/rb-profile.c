/* rb-profile.c — time-of-day weight profiles for pmf nodes
 *
 * The three tables are FlowTime-Sim's facts (profiles.md), typed in from the
 * spec page.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define G_LOG_DOMAIN "rb-profile"

#include "config.h"

#include <math.h>
#include <string.h>

#include "rb-profile.h"

#define HOURS 24
#define SLOTS_PER_HOUR 12
#define SLOTS (HOURS * SLOTS_PER_HOUR)

typedef struct
{
  const char *name;
  double      hourly[HOURS];
} Builtin;

static const Builtin builtins[] = {
  { "weekday-office",
    { 0.18, 0.16, 0.15, 0.15, 0.2, 0.3, 0.45, 0.7, 0.95, 1.15, 1.25, 1.3,
      1.25, 1.15, 1.05, 1.0, 0.95, 0.85, 0.65, 0.5, 0.38, 0.3, 0.25, 0.2 } },
  { "three-shift",
    { 0.9, 0.9, 0.9, 0.92, 0.95, 0.98, 1.0, 1.03, 1.06, 1.1, 1.12, 1.15,
      1.12, 1.08, 1.05, 1.02, 1.0, 0.98, 0.96, 0.94, 0.92, 0.9, 0.9, 0.9 } },
  { "hub-rush-hour",
    { 0.2, 0.18, 0.17, 0.17, 0.2, 0.35, 0.7, 1.2, 1.4, 1.25, 1.0, 0.85,
      0.8, 0.85, 0.95, 1.1, 1.35, 1.5, 1.35, 1.0, 0.65, 0.4, 0.3, 0.22 } },
};

static const char * const builtin_names[] = {
  "weekday-office", "three-shift", "hub-rush-hour", NULL
};

const char * const *
rb_profile_builtin_names (void)
{
  return builtin_names;
}

gboolean
rb_profile_normalise (double *weights,
                      guint   n)
{
  double sum = 0.0;
  double mean;

  for (guint i = 0; i < n; i++)
    sum += weights[i];
  if (n == 0 || !isfinite (sum) || sum <= 0.0)
    return FALSE;
  mean = sum / n;
  for (guint i = 0; i < n; i++)
    weights[i] = weights[i] / mean;
  return TRUE;
}

gboolean
rb_profile_builtin_weights (const char *name,
                            guint       n_bins,
                            double     *out)
{
  const Builtin *builtin = NULL;
  double slots[SLOTS];

  g_return_val_if_fail (name != NULL, FALSE);
  g_return_val_if_fail (out != NULL || n_bins == 0, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (builtins); i++)
    {
      if (g_str_equal (builtins[i].name, name))
        builtin = &builtins[i];
    }
  if (builtin == NULL)
    return FALSE;

  for (guint i = 0; i < SLOTS; i++)
    slots[i] = builtin->hourly[i / SLOTS_PER_HOUR];
  rb_profile_normalise (slots, SLOTS);

  if (n_bins == SLOTS)
    {
      memcpy (out, slots, sizeof slots);
      return TRUE;
    }

  for (guint i = 0; i < n_bins; i++)
    {
      double pos = (double) i / n_bins * (SLOTS - 1);
      guint lo = (guint) floor (pos);
      guint hi = MIN (lo + 1, SLOTS - 1);
      double frac = pos - lo;

      out[i] = slots[lo] + (slots[hi] - slots[lo]) * frac;
    }
  rb_profile_normalise (out, n_bins);
  return TRUE;
}
