// Take the write lock of checked writes (graph/store/write_lock.py): the transaction that sets the one Lock node
// holds that node's lock until it ends, and every other process's transaction that sets it waits until then.
// The transaction is rolled back, so the node is never seen; its unique name makes concurrent MERGEs wait too.
MERGE (lock:Lock {name: 'checked writes'})
SET lock.taken = true
