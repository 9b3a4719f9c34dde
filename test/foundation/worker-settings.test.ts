import {
  planTaskQueue,
  workerSettingsFromEnv,
  workerTaskQueues,
  type WorkerSettings,
} from '../../src/temporal/worker-settings';

describe('worker settings from the environment', () => {
  it('defaults to the dondoc queue, a cache of 500 and the SDK’s concurrency', () => {
    expect(workerSettingsFromEnv({})).toEqual({ taskQueue: 'dondoc', split: 'none', maxCachedWorkflows: 500 });
  });

  it('reads every variable', () => {
    expect(
      workerSettingsFromEnv({
        DONDOC_TASK_QUEUE: 'tinh',
        DONDOC_TASK_QUEUE_BY: 'province',
        DONDOC_WORKER_TASK_QUEUES: ' tinh-ninh-binh, tinh-lam-dong ,tinh-ninh-binh',
        DONDOC_MAX_CACHED_WORKFLOWS: '0',
        DONDOC_MAX_CONCURRENT_ACTIVITIES: '20',
        DONDOC_MAX_CONCURRENT_WORKFLOW_TASKS: '1',
        DONDOC_WORKER_IDENTITY: 'worker-1@may-chu',
      }),
    ).toEqual({
      taskQueue: 'tinh',
      split: 'province',
      queues: ['tinh-ninh-binh', 'tinh-lam-dong'],
      maxCachedWorkflows: 0,
      maxConcurrentActivityTaskExecutions: 20,
      maxConcurrentWorkflowTaskExecutions: 1,
      identity: 'worker-1@may-chu',
    });
  });

  it.each([
    [{ DONDOC_MAX_CACHED_WORKFLOWS: 'nhiều' }, 'DONDOC_MAX_CACHED_WORKFLOWS="nhiều": phải là một số nguyên ≥ 0'],
    [{ DONDOC_MAX_CACHED_WORKFLOWS: '1' }, 'DONDOC_MAX_CACHED_WORKFLOWS="1": phải là 0'],
    [{ DONDOC_MAX_CACHED_WORKFLOWS: '-5' }, 'DONDOC_MAX_CACHED_WORKFLOWS="-5"'],
    [{ DONDOC_MAX_CONCURRENT_ACTIVITIES: '0' }, 'DONDOC_MAX_CONCURRENT_ACTIVITIES="0": phải là một số nguyên ≥ 1'],
    [{ DONDOC_MAX_CONCURRENT_ACTIVITIES: '2.5' }, 'DONDOC_MAX_CONCURRENT_ACTIVITIES="2.5"'],
    [
      { DONDOC_MAX_CONCURRENT_WORKFLOW_TASKS: '1' },
      'DONDOC_MAX_CONCURRENT_WORKFLOW_TASKS="1": phải là một số nguyên ≥ 2',
    ],
    [
      { DONDOC_MAX_CACHED_WORKFLOWS: '10', DONDOC_MAX_CONCURRENT_WORKFLOW_TASKS: '40' },
      'DONDOC_MAX_CONCURRENT_WORKFLOW_TASKS="40": không được lớn hơn DONDOC_MAX_CACHED_WORKFLOWS (10)',
    ],
    [{ DONDOC_TASK_QUEUE_BY: 'district' }, 'DONDOC_TASK_QUEUE_BY="district": chỉ nhận none, province'],
    [{ DONDOC_TASK_QUEUE: 'hàng đợi' }, 'DONDOC_TASK_QUEUE="hàng đợi": tên hàng đợi chỉ gồm'],
    [{ DONDOC_WORKER_TASK_QUEUES: 'a,b c' }, 'DONDOC_WORKER_TASK_QUEUES="b c"'],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(() => workerSettingsFromEnv(env)).toThrow(message);
    expect(() => workerSettingsFromEnv(env)).toThrow(expect.objectContaining({ name: 'WorkerSettingsError' }));
  });
});

describe('the task queue of a plan', () => {
  const plan = { planId: 'ke-hoach-678-2023', province: 'Ninh Bình' };
  const settings = (split: WorkerSettings['split']): WorkerSettings => ({
    taskQueue: 'dondoc',
    split,
    maxCachedWorkflows: 500,
  });

  it('is dondoc for every plan, or one per province (ASCII slug), or one per plan', () => {
    expect(planTaskQueue(settings('none'), plan)).toBe('dondoc');
    expect(planTaskQueue(settings('province'), plan)).toBe('dondoc-ninh-binh');
    expect(planTaskQueue(settings('province'), { ...plan, province: 'Đắk Nông' })).toBe('dondoc-dak-nong');
    expect(planTaskQueue(settings('plan'), plan)).toBe('dondoc-ke-hoach-678-2023');
  });

  it('gives a worker its listed queues, or those of the plans of its folder', () => {
    const plans = [plan, { planId: 'b', province: 'Lâm Đồng' }, { planId: 'c', province: 'Ninh Bình' }];
    expect(workerTaskQueues(settings('none'), plans)).toEqual(['dondoc']);
    expect(workerTaskQueues(settings('province'), plans)).toEqual(['dondoc-lam-dong', 'dondoc-ninh-binh']);
    expect(workerTaskQueues({ ...settings('province'), queues: ['dondoc-lam-dong'] }, plans)).toEqual([
      'dondoc-lam-dong',
    ]);
    expect(workerTaskQueues(settings('plan'), [])).toEqual(['dondoc']);
  });
});
