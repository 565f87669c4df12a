return await SimpleBB.Hosting.Cli.RunAsync(SimpleBB.Cancel.CancelCommand.Create(), args);
