/* rb-remote-backend.h — RbBackend over a Runboard server's HTTP API
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "rb-backend.h"

G_BEGIN_DECLS

#define RB_TYPE_REMOTE_BACKEND (rb_remote_backend_get_type ())

G_DECLARE_FINAL_TYPE (RbRemoteBackend, rb_remote_backend, RB, REMOTE_BACKEND, GObject)

/* @base_url: the server, "http://HOST:PORT/" (a path prefix is kept; the
 * API lives under <base_url>v1/). @token (nullable) is sent as
 * "Authorization: Bearer <token>". A URL that is not http(s) fails every
 * call with RB_ERROR_INVALID_REQUEST.
 *
 * Requests run on the thread-default main context of the caller, through
 * one SoupSession. Server errors come back as RB_ERROR with the code,
 * message and field of the server's error body; a server that cannot be
 * reached is RB_ERROR_UNREACHABLE "Can't reach the server at HOST: …".
 *
 * RbBackend::changed: from the first list_runs on, the server is polled
 * every #RbRemoteBackend:poll-interval-ms with GET /v1/runs?pageSize=1 and
 * If-None-Match; a new ETag emits ::changed on the context the backend was
 * created in. */
RbRemoteBackend *rb_remote_backend_new          (const char      *base_url,
                                                 const char      *token);
/* The base URL as given, with a trailing "/". */
const char      *rb_remote_backend_get_base_url (RbRemoteBackend *self);

G_END_DECLS
