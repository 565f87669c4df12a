return await SimpleBB.Hosting.Cli.RunAsync(SimpleBB.Builder.BuilderCommand.Create(), args);
