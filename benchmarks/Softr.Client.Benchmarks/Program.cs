using BenchmarkDotNet.Running;

BenchmarkSwitcher.FromAssembly(typeof(Softr.Client.Benchmarks.ClientOverheadBenchmarks).Assembly).Run(args);
