import cProfile, runpy, time, os, itertools
pr = cProfile.Profile(); t = time.perf_counter(); pr.enable()
try:
    runpy.run_path("/work/main/app.py", run_name="__main__")
finally:
    pr.disable()
    n = len(os.listdir("/tmp/diag/prof")) 
    pr.dump_stats(f"/tmp/diag/prof/{n:03d}_{time.perf_counter()-t:.3f}.prof")
