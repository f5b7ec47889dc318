/* rb-profile.h — time-of-day weight profiles for pmf nodes (profiles.md)
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Fills @out (n_bins values) with the built-in profile @name
 * ("weekday-office", "three-shift", "hub-rush-hour"): the 24 hourly weights
 * expanded ×12 to 288 five-minute slots, normalised to mean 1, resampled to
 * @n_bins by linear interpolation at pos = i/n_bins·287 (the 288 slots
 * themselves when n_bins = 288), normalised to mean 1 again. Returns FALSE
 * for an unknown name. */
gboolean rb_profile_builtin_weights (const char *name,
                                     guint       n_bins,
                                     double     *out);
/* Scales @weights in place to mean 1. Returns FALSE (leaving them as they
 * are) when their sum is not positive and finite. */
gboolean rb_profile_normalise       (double     *weights,
                                     guint       n);
/* The NULL-terminated list of built-in names. */
const char * const *rb_profile_builtin_names (void);

G_END_DECLS
