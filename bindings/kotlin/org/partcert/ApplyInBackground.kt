// Hand-written, shipped with the generated bindings (compiled into the jar by
// bindings/package.sh and bindings/tests/run.sh, copied beside the generated
// Kotlin by bindings/android.sh): applying a list without blocking the caller.

package org.partcert

import org.partcert.core.ListVersion
import java.util.concurrent.ExecutorService
import java.util.concurrent.Executors
import kotlin.coroutines.suspendCoroutine

/** The thread lists are applied on in the background (a daemon: it never keeps an app alive). */
private val applier: ExecutorService = Executors.newSingleThreadExecutor { task ->
    Thread(task, "partcert-apply").also { it.isDaemon = true }
}

/**
 * [Blocklist.apply] on a background thread, suspending the caller (say, a
 * coroutine on Android's main thread) until the list is applied: a national
 * list takes from milliseconds to a few hundred. Returns the version now held;
 * a refused list throws the same [PartcertException] `apply` throws (400
 * Rollback for an older list, 105 for an object that is not a list) and
 * changes nothing. Lists are applied one at a time, in the order asked.
 * Cancelling the caller does not stop an apply under way: it completes (all or
 * nothing) and its answer is dropped. Needs no kotlinx-coroutines.
 */
suspend fun Blocklist.applyInBackground(trust: TrustStore, bytes: ByteArray, now: ULong): ListVersion {
    val blocklist = this
    return suspendCoroutine { continuation ->
        applier.execute { continuation.resumeWith(runCatching { blocklist.apply(trust, bytes, now) }) }
    }
}
