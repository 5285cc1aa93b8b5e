// Test-only preload (`node --require`): lets a request carrying `x-preload-fault` cause the faults the
// process guards exist for, without a test route in production code.
//   throw:   an exception thrown outside any request handler (a socket callback), after the request arrived
//   reject:  a promise rejected with nobody listening
//   handler: an error thrown inside the route handler, where the app's exception filter answers
// The messages carry a fake password and token: the log line must not.
'use strict';
const http = require('node:http');
const { RouterProxy } = require('@nestjs/core/router/router-proxy');

const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, request, ...rest) {
  const fault = event === 'request' ? request.headers['x-preload-fault'] : undefined;
  if (fault === 'throw')
    setImmediate(() => {
      throw new TypeError('boom at postgres://app:s3cret-pw@db/x');
    });
  if (fault === 'reject') Promise.reject(new Error('refused Bearer eyJfake.eyJtoken.sig'));
  return emit.call(this, event, request, ...rest);
};

const createProxy = RouterProxy.prototype.createProxy;
RouterProxy.prototype.createProxy = function (target, exceptionsHandler) {
  const guarded = (req, res, next) => {
    if (req.headers['x-preload-fault'] === 'handler') throw new Error('handler fault with s3cret-pw');
    return target(req, res, next);
  };
  return createProxy.call(this, guarded, exceptionsHandler);
};
