"""Memory the server keeps is bounded: the page cache by bytes (least recently used out first,
an older change stamp's figures out as soon as a newer one is cached), and a closed tab's session
is shut down when it can no longer be resumed. Logic only, never timing."""

import pickle
import time
from types import SimpleNamespace

from ui import downloads
from ui.cache import ByteBoundedCache
from ui.closed_sessions import ClosingSessionStorage


def _size(value: object) -> int:
    return len(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL))


def test_the_page_cache_never_holds_more_bytes_than_its_bound() -> None:
    figure = {"rows": ["x" * 1000] * 10}
    cache = ByteBoundedCache(max_bytes=5 * _size(figure))
    for n in range(50):
        cache.put((1,), ("page", n), figure)
        assert cache.size <= cache.max_bytes
    assert len(cache) == 5
    assert cache.get((1,), ("page", 49)) == (True, figure)
    assert cache.get((1,), ("page", 0)) == (False, None)  # the oldest went first


def test_the_least_recently_used_goes_first() -> None:
    cache = ByteBoundedCache(max_bytes=3 * _size("a" * 100))
    for name in "abc":
        cache.put((1,), (name,), name * 100)
    assert cache.get((1,), ("a",))[0]  # a read keeps "a"
    cache.put((1,), ("d",), "d" * 100)
    assert [cache.get((1,), (n,))[0] for n in "abcd"] == [True, False, True, True]


def test_a_newer_change_stamp_drops_every_older_figure_and_an_older_one_is_not_stored() -> None:
    cache = ByteBoundedCache(max_bytes=10_000_000)
    cache.put((5, 1), ("overview",), [1, 2, 3])
    cache.put((5, 1), ("dashboard",), [4, 5])
    cache.put((6, 1), ("overview",), [1, 2, 4])  # after a write
    assert len(cache) == 1 and cache.size == _size([1, 2, 4])
    cache.put((5, 1), ("dashboard",), [4, 5])  # a run that read the stamp before the write
    assert cache.get((5, 1), ("dashboard",)) == (False, None) and len(cache) == 1


def test_a_figure_bigger_than_the_whole_cache_is_not_kept_and_each_hit_is_a_copy() -> None:
    cache = ByteBoundedCache(max_bytes=100)
    cache.put((1,), ("small",), [1])
    cache.put((1,), ("huge",), "x" * 1000)
    assert cache.get((1,), ("huge",)) == (False, None) and cache.get((1,), ("small",)) == (True, [1])
    _, mine = cache.get((1,), ("small",))
    mine.append(2)  # a page changing what it was given changes nothing kept
    assert cache.get((1,), ("small",)) == (True, [1])


class _Session:
    def __init__(self, session_id: str) -> None:
        self.id = session_id
        self.shut = False

    def shutdown(self) -> None:
        self.shut = True


def _info(session_id: str) -> SimpleNamespace:
    return SimpleNamespace(session=_Session(session_id))


def test_a_closed_session_not_resumed_in_time_is_shut_down_and_forgotten() -> None:
    store = ClosingSessionStorage(max_sessions=10, ttl_s=60)
    closed = _info("tab-1")
    with downloads._LOCK:
        downloads._TOKEN_BY_SESSION["tab-1"] = "hash-1"
        downloads._TOKEN_BY_FILE["file-1"] = "hash-1"
    store.save(closed)
    assert store.get("tab-1") is closed and not closed.session.shut  # a blip: still resumable
    assert store.reap(now=time.monotonic() + 61) == 1
    assert closed.session.shut and store.get("tab-1") is None
    assert "tab-1" not in downloads._TOKEN_BY_SESSION and "file-1" not in downloads._TOKEN_BY_FILE


def test_a_resumed_session_is_not_shut_down_and_the_count_is_bounded() -> None:
    store = ClosingSessionStorage(max_sessions=3, ttl_s=600)
    resumed = _info("back")
    store.save(resumed)
    store.delete("back")  # Streamlit takes it out to resume it
    tabs = [_info(f"tab-{n}") for n in range(5)]
    for tab in tabs:
        store.save(tab)
    assert not resumed.session.shut
    assert [t.session.shut for t in tabs] == [True, True, False, False, False]  # the oldest closed go
    assert len(store.list()) == 3
