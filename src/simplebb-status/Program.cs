return await SimpleBB.Hosting.Cli.RunAsync(SimpleBB.Status.StatusCommand.Create(), args);
