using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Softr.Functions.Benchmarks.ClientOverheadBenchmarks).Assembly).Run(args);
