// Package localfile reads the local files braid is given (articles,
// local feed sources) with the bounds a network body has: only regular
// files, never more than a cap, never blocking on a FIFO or a device.
package localfile
