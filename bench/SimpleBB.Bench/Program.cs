using SimpleBB.Bench;

return await Benchmark.MainAsync(args);
