/**
 * Identifiers and times shared by the examples of the OpenAPI document, so that the examples of
 * different operations tell one consistent story: the 2023 round, 声乐系党支部 (a branch under
 * 音乐学院党总支), its project “红色旋律”党员先锋岗 and the people who move it along.
 */
export const EXAMPLE = {
  roundId: '01870d4f-3a00-7b1c-8e2a-5c0d9f6e1a01',
  generalBranchId: '01870d4f-2c00-7a3e-9b41-0f6a2d3c4b02',
  branchId: '01870d4f-2d00-7c55-a1d0-7e8f9a0b1c03',
  applicantId: '01870d4f-3100-7d20-b3f4-1a2b3c4d5e04',
  orgDeptId: '01870d4f-3200-7e11-8c9d-2b3c4d5e6f05',
  reviewerId: '01870d4f-3300-7f02-9dae-3c4d5e6f7a06',
  projectId: '01871a2b-6f00-7a9b-b8c7-4d5e6f7a8b07',
  fileId: '01871a2b-7000-7b1d-9e2f-5a6b7c8d9e08',
  fileSha256: 'd2a84f4b8b650937ec8f73cd8be2c74add5a911ba64df27458ed8229da804a26',
  requestId: '6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
  createdAt: '2023-03-01T02:00:00.000Z',
  submittedAt: '2023-03-20T02:00:00.000Z',
  hash: '9c1185a5c5e9fc54612808977ee8f548b2258d31f1b1e1f4c5b3a5d1e0f2a3b4',
  prevHash: '5e884898da28047151d0e56f8dc6292773603d0d6aabbdd62a11ef721d1542d8',
} as const;
