// Hand-written, shipped with the generated bindings (compiled into partcert.jar by
// bindings/tests/run.sh, copied beside the generated Kotlin by bindings/android.sh):
// a suspending sync over the sans-I/O updater. It only moves bytes between the app's
// HTTP stack and the core, which decides everything.

package org.partcert

import org.partcert.core.FileRef

/**
 * Brings this device's list of one register up to date from the register's repository, with
 * the app's own HTTP stack: fetches the head ([repositoryHeadPath]), then each file the update
 * asks for ([BlocklistUpdate.nextFetch]), offering each to the core, which checks its size and
 * SHA-256 before anything decodes it; the new lists replace the old only when every file was
 * accepted. Returns what changed: the version before and after, files and bytes fetched, and
 * when the head expires (sync again before then, or the list reads stale).
 *
 * [fetch] gets a path under the repository's base URL and the most bytes to read: the head's
 * bound, or the file's exact size. Read no more than `maxBytes + 1` bytes and return what came:
 * a file cut short or too long is refused by the core (206 FileMismatch), as is a file of
 * another day. A refused head or file throws [PartcertException]; whatever [fetch] throws (an
 * `IOException`, a timeout, cancellation) propagates as it is. Either way the lists held are
 * untouched.
 *
 * [now] is this device's clock, in seconds since the Unix epoch. Call it from a background
 * dispatcher: each file is decoded and applied on the calling thread.
 */
suspend fun Blocklist.sync(
    trust: TrustStore,
    now: ULong = System.currentTimeMillis().toULong() / 1000UL,
    fetch: suspend (path: String, maxBytes: Long) -> ByteArray,
): UpdateOutcome {
    val head = fetch(repositoryHeadPath(), maxHeadLen().toLong())
    return beginUpdate(trust, head, now).use { update ->
        while (true) {
            val file: FileRef = update.nextFetch() ?: break
            update.offer(fetch(file.path, file.size.toLong()))
        }
        update.finish()
    }
}
